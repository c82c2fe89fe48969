/*
 * fuzz_cfg: the configuration loader on arbitrary bytes. Every input must
 * either load or fail with a message naming a line; nothing may crash, leak
 * or leave cfg unreleasable. Whatever was loaded (even half a file) copies
 * to an equal config, whole and section by section.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfg.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, copy;

	cfg_init(&cfg);
	(void)cfg_load_mem(&cfg, (const char *)data, size, "fuzz");
	memset(&copy, 0, sizeof(copy));
	cfg_copy(&copy, &cfg);
	if (!cfg_equal(&copy, &cfg))
		abort();
	cfg_release(&copy);
	cfg_copy_section(&copy, &cfg, "fetch");
	cfg_copy_section(&copy, &cfg, "desk");
	cfg_copy_section(&copy, &cfg, "store");
	cfg_copy_section(&copy, &cfg, "web");
	cfg_copy_section(&copy, &cfg, "log");
	cfg_copy_section(&copy, &cfg, "tips");
	if (!cfg_equal(&copy, &cfg))
		abort();
	cfg_release(&copy);
	cfg_release(&cfg);
	err_clear();
	return 0;
}
