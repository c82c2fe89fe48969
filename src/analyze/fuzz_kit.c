/*
 * fuzz_kit: analyze_kit_parse on arbitrary bytes, and whatever it accepts
 * through analyze_add (one clusterer for the whole run, so the window,
 * eviction and the near-duplicate ring see many documents).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct analyze *an;
	struct buf scratch = BUF_INIT(1u << 20);
	struct analyze_kit_line kl;
	struct analyze_result r;

	if (size > (1u << 20))
		return 0;
	if (!an) {
		struct analyze_opts o;

		analyze_opts_default(&o);
		o.max_live = 64;
		an = analyze_new(&o, 1);
		assert(an);
	}
	if (analyze_kit_parse(&kl, &scratch, (const char *)data, size,
	    ANALYZE_TEXT_LEAD) == 0) {
		if (kl.doc.text)
			assert(strlen(kl.doc.text) <= ANALYZE_TEXT_LEAD + 4);
		analyze_add(an, &kl.doc, &r);
		assert(r.story > 0);
	}
	buf_release(&scratch);
	return 0;
}
