/* Unit tests for tips/ (issue 11): sealing round trip and wrong keys,
 * hostile payloads, code phrases, attachment metadata of each format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "tips/tips.h"
#include "core/banned.h"

static void
seal_round_trip(void **state)
{
	unsigned char pk[32], sk[32], pk2[32], sk2[32], *box = NULL;
	static const unsigned char file[] = { 0, 1, 2, 0xff, 'x' };
	struct tips_payload p = { TIPS_FROM_SOURCE, "the marker QX7", "signal",
	    "a.bin", "application/octet-stream", file, sizeof(file) }, q;
	struct arena a = ARENA_INIT;
	size_t n = 0;

	(void)state;
	assert_int_equal(tips_keypair(pk, sk), 0);
	assert_int_equal(tips_keypair(pk2, sk2), 0);
	assert_int_equal(tips_seal(&box, &n, &p, pk), 0);
	/* padded: the sealed size is a block multiple plus the seal */
	assert_int_equal((n - crypto_box_SEALBYTES) % TIPS_PAD_BLOCK, 0);
	assert_null(memmem(box, n, "QX7", 3));
	assert_int_equal(tips_open(&q, &a, box, n, pk, sk), 0);
	assert_int_equal(q.from, TIPS_FROM_SOURCE);
	assert_string_equal(q.message, "the marker QX7");
	assert_string_equal(q.contact, "signal");
	assert_string_equal(q.file_name, "a.bin");
	assert_int_equal(q.file_len, sizeof(file));
	assert_memory_equal(q.file, file, sizeof(file));
	/* another key opens nothing; an altered box neither */
	assert_int_equal(tips_open(&q, &a, box, n, pk2, sk2), ND_EAUTH);
	box[n / 2] ^= 1;
	assert_int_equal(tips_open(&q, &a, box, n, pk, sk), ND_EAUTH);
	free(box);
	arena_release(&a);
}

static void
hostile_payloads(void **state)
{
	static const struct { const char *p; size_t len; } bad[] = {
		{ "", 0 },
		{ "NDT0", 4 },
		{ "NDT1", 4 },                               /* no sender */
		{ "NDT1\1\0\0\0\1\1", 10 },                  /* no message */
		{ "NDT1\1\0\0\0\1\3\2\0\0\0\0", 15 },        /* bad sender */
		{ "NDT1\1\0\0\0\1\1\2\0\0\0\5ab", 17 },      /* cut short */
		{ "NDT1\1\0\0\0\1\1\1\0\0\0\1\1", 16 },      /* tag twice */
		{ "NDT1\1\0\0\0\1\1\2\0\0\0\0\6\0\0\0\0", 20 }, /* file alone */
		{ "NDT1\x09\0\0\0\0", 9 },                   /* unknown tag */
		{ "NDT1\2\xff\xff\xff\xff", 9 },             /* huge length */
	};
	struct arena a = ARENA_INIT;
	struct tips_payload t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tips_payload_decode(&t, &a,
		    (const unsigned char *)bad[i].p, bad[i].len), ND_EPARSE);
	assert_int_equal(tips_payload_decode(&t, &a,
	    (const unsigned char *)"NDT1\1\0\0\0\1\1\2\0\0\0\2hi", 17), 0);
	assert_string_equal(t.message, "hi");
	assert_string_equal(t.contact, "");
	assert_null(t.file);
	arena_release(&a);
}

static void
code_phrases(void **state)
{
	unsigned char pk[32], sk[32];
	char code[TIPS_CODE_BUF], code2[TIPS_CODE_BUF], typed[64];
	struct tips_receipt r1, r2, r3;

	(void)state;
	assert_int_equal(tips_keypair(pk, sk), 0);
	tips_code_new(code);
	tips_code_new(code2);
	assert_int_equal(strlen(code), TIPS_CODE_BUF - 1);
	assert_string_not_equal(code, code2);
	assert_int_equal(tips_code_derive(&r1, code, pk), 0);
	/* typed back in capitals with spaces: the same receipt */
	for (size_t i = 0, o = 0; i <= strlen(code); i++)
		typed[o++] = code[i] == '-' ? ' ' : (code[i] >= 'a' &&
		    code[i] <= 'z') ? (char)(code[i] - 32) : code[i];
	assert_int_equal(tips_code_derive(&r2, typed, pk), 0);
	assert_memory_equal(r1.lookup, r2.lookup, sizeof(r1.lookup));
	assert_memory_equal(r1.pk, r2.pk, sizeof(r1.pk));
	assert_int_equal(tips_code_derive(&r3, code2, pk), 0);
	assert_memory_not_equal(r1.lookup, r3.lookup, sizeof(r1.lookup));
	assert_memory_not_equal(r1.pk, r3.pk, sizeof(r1.pk));
	/* the lookup tag is not the key */
	assert_memory_not_equal(r1.lookup, r1.sk, 32);
	assert_int_equal(tips_code_derive(&r3, "abcd", pk), ND_EINVAL);
	assert_int_equal(tips_code_derive(&r3, "", pk), ND_EINVAL);
	code[0] = '0';                   /* not in the alphabet */
	assert_int_equal(tips_code_derive(&r3, code, pk), ND_EINVAL);
}

static bool
has_note(const struct tips_meta *m, const char *needle)
{
	for (size_t i = 0; i < m->n_notes; i++)
		if (strstr(m->notes[i], needle))
			return true;
	return false;
}

static void
meta_formats(void **state)
{
	/* JPEG: SOI, APP1 Exif with IFD0 {Make "Acme", GPS IFD -> 1 entry},
	 * APP1 XMP, then SOS */
	static const unsigned char jpg[] = {
		0xff, 0xd8,
		0xff, 0xe1, 0x00, 0x3c,
		'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8,           /* TIFF, IFD0 at 8 */
		0, 2,                                  /* two entries */
		0x01, 0x0f, 0, 2, 0, 0, 0, 4, 'A', 'c', 'm', 'e',
		0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38,
		0, 0, 0, 0,                            /* next IFD */
		0, 1, 0, 1, 0, 2, 0, 0, 0, 2, 'N', 0, 0, 0,  /* GPS IFD */
		0xff, 0xe1, 0x00, 0x20,
		'h', 't', 't', 'p', ':', '/', '/', 'n', 's', '.', 'a', 'd',
		'o', 'b', 'e', '.', 'c', 'o', 'm', '/', 'x', 'a', 'p', '/',
		'1', '.', '0', '/', 0, 'x',
		0xff, 0xda, 0, 2,
	};
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Author (Jane Roe) "
	    "/Producer <FEFF0041> /Authority (no) >> endobj\n";
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
		0, 0, 0, 9, 't', 'E', 'X', 't', 'A', 'u', 't', 'h', 'o', 'r',
		0, 'J', 'R', 0, 0, 0, 0,
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0, 0, 0, 0,
	};
	/* a zip with one stored docProps/core.xml */
	static const char core[] = "<cp:coreProperties><dc:creator>Jane Roe"
	    "</dc:creator><cp:lastModifiedBy>J. R.</cp:lastModifiedBy>"
	    "</cp:coreProperties>";
	unsigned char zip[512];
	size_t zl = 0, cl = sizeof(core) - 1;
	struct arena a = ARENA_INIT;
	struct tips_meta m;

	(void)state;
	tips_meta_scan(&m, &a, jpg, sizeof(jpg));
	assert_string_equal(m.kind, "JPEG image");
	assert_true(m.has_exif);
	assert_true(m.has_gps);
	assert_true(m.has_xmp);
	assert_true(has_note(&m, "camera make: Acme"));
	assert_true(has_note(&m, "GPS location present (1 GPS"));

	tips_meta_scan(&m, &a, (const unsigned char *)pdf, sizeof(pdf) - 1);
	assert_string_equal(m.kind, "PDF document");
	assert_true(m.has_author);
	assert_true(has_note(&m, "PDF Author: Jane Roe"));
	assert_true(has_note(&m, "PDF Producer: A"));
	assert_false(has_note(&m, "no)"));

	tips_meta_scan(&m, &a, png, sizeof(png));
	assert_string_equal(m.kind, "PNG image");
	assert_true(m.has_author);
	assert_true(has_note(&m, "text chunk 'Author'"));

	memcpy(zip, "PK\3\4", 4);
	memset(zip + 4, 0, 26);
	zip[18] = (unsigned char)cl;             /* compressed size */
	zip[22] = (unsigned char)cl;
	zip[26] = 17;                            /* name length */
	memcpy(zip + 30, "docProps/core.xml", 17);
	memcpy(zip + 47, core, cl);
	zl = 47 + cl;
	tips_meta_scan(&m, &a, zip, zl);
	assert_true(m.has_author);
	assert_true(has_note(&m, "docProps/core.xml"));
	assert_true(has_note(&m, "author (dc:creator): Jane Roe"));
	assert_true(has_note(&m, "last modified by: J. R."));

	/* a plain JPEG says so; an unknown format is not checked */
	tips_meta_scan(&m, &a, (const unsigned char *)"\xff\xd8\xff\xd9", 4);
	assert_true(has_note(&m, "no metadata found"));
	tips_meta_scan(&m, &a, (const unsigned char *)"hello", 5);
	assert_null(m.kind);
	assert_int_equal(m.n_notes, 0);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_round_trip),
		cmocka_unit_test(hostile_payloads),
		cmocka_unit_test(code_phrases),
		cmocka_unit_test(meta_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
