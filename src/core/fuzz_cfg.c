/*
 * fuzz_cfg: the configuration loader on arbitrary bytes. Every input must
 * either load or fail with a message naming a line; nothing may crash, leak
 * or leave cfg unreleasable.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/cfg.h"
#include "core/err.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;

	cfg_init(&cfg);
	(void)cfg_load_mem(&cfg, (const char *)data, size, "fuzz");
	cfg_release(&cfg);
	err_clear();
	return 0;
}
