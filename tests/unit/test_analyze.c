/*
 * test_analyze: the story clusterer and the kit's line scanner.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

static void
kit_parse_fields(void **state)
{
	struct buf scratch = BUF_INIT(1u << 20);
	struct analyze_kit_line kl;
	const char *line = "{\"id\": \"a1\", \"time\": \"2014-03-10T16:54:29Z\", "
	    "\"source\": \"X\", \"title\": \"Caf\\u00e9 \\\"opens\\\"\", "
	    "\"extra\": [1, {\"k\": null}], \"text\": \"body\", \"lang\": \"en\"}";

	(void)state;
	assert_int_equal(analyze_kit_parse(&kl, &scratch, line, strlen(line)), 0);
	assert_string_equal(kl.id, "a1");
	assert_string_equal(kl.doc.title, "Caf\xc3\xa9 \"opens\"");
	assert_string_equal(kl.doc.text, "body");
	assert_string_equal(kl.doc.lang, "en");
	assert_true(kl.doc.time == 1394470469);
	assert_int_equal(analyze_kit_parse(&kl, &scratch, "{\"id\": ", 7),
	    ND_EPARSE);
	assert_int_equal(analyze_kit_parse(&kl, &scratch, "[1]", 3), ND_EPARSE);
	buf_release(&scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kit_parse_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
