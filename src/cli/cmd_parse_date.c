/*
 * parse-date: runs parse_date over strings, one result line per input, so
 * the date parser can be checked against tables (eval/feeds/score.py
 * --dates) and tried by hand. Inputs come from the arguments or, without
 * any, from stdin one per line; an unparseable one prints an empty line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/err.h"
#include "parse/parse.h"
#include "core/banned.h"

static void
print_one(const char *s, size_t len)
{
	char iso[32];
	int64_t t;

	if (parse_date(&t, s, len) == 0) {
		parse_date_iso(iso, t);
		fputs(iso, stdout);
	}
	fputc('\n', stdout);
}

static int
parse_date_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int i = 1;

	(void)ctx;
	if (argc > 1 && strcmp(argv[1], "--") == 0)
		i++;
	else if (argc > 1 && strncmp(argv[1], "--", 2) == 0)
		return CMD_USAGE;       /* no options; "--" before such a date */
	if (i < argc) {
		for (; i < argc; i++)
			print_one(argv[i], strlen(argv[i]));
	} else {
		while ((n = getline(&line, &cap, stdin)) >= 0) {
			size_t len = (size_t)n;

			if (len && line[len - 1] == '\n')
				len--;
			if (len && line[len - 1] == '\r')
				len--;
			print_one(line, len);
		}
		free(line);
		if (ferror(stdin))
			return err_set(ND_EIO, "parse-date: cannot read stdin");
	}
	if (fflush(stdout) != 0)
		return err_set(ND_EIO, "parse-date: cannot write stdout");
	return 0;
}

const struct cmd cmd_parse_date = {
	.name = "parse-date",
	.summary = "parse dates as feeds write them, print ISO 8601 UTC",
	.usage =
	    "usage: newsdesk parse-date [DATE...]\n"
	    "\n"
	    "Parses each DATE (or, with none, each line of stdin) the way\n"
	    "dates in feeds are parsed: RFC 822 and its variants, W3C-DTF/\n"
	    "ISO 8601/RFC 3339, asctime, and localized month names. Prints\n"
	    "one line per input: the instant as YYYY-MM-DDTHH:MM:SSZ, or an\n"
	    "empty line when the input is not a valid date.\n"
	    "\n"
	    "examples:\n"
	    "  newsdesk parse-date 'Thu, 01 Jan 04 19:48:21 GMT'\n"
	    "  newsdesk parse-date < dates.txt\n",
	.run = parse_date_run,
	.flags = CMD_NO_CONFIG,
};
