/* ingest_synth: see ingest_synth.h. */
#include <math.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "parse/parse.h"
#include "ingest_synth.h"
#include "core/banned.h"

static const char *const en_words[] = {
	"government", "minister", "election", "parliament", "security",
	"forces", "attack", "city", "province", "officials", "said", "report",
	"oil", "ministry", "talks", "ceasefire", "coalition", "militia",
	"market", "prices", "water", "electricity", "protest", "students",
	"court", "ruling", "border", "refugees", "aid", "hospital", "bridge",
	"reconstruction", "budget", "contract", "envoy", "agreement", "vote",
	"campaign", "police", "checkpoint", "statement", "spokesman", "the",
	"of", "and", "in", "on", "after", "before", "during", "with", "new",
	"local", "national", "regional", "international", "weekly", "report",
};

static const char *const ar_words[] = {
	"الحكومة", "وزير", "الانتخابات", "البرلمان", "الأمن", "بغداد",
	"ببغداد", "البصرة", "الموصل", "مسؤولون", "قال", "تقرير", "النفط",
	"وزارة", "محادثات", "اتفاق", "الشرطة", "مستشفى", "الكهرباء", "الماء",
	"احتجاج", "الطلاب", "المحكمة", "الحدود", "اللاجئين", "المساعدات",
	"كَتَبَ", "رسالة", "العاصمة", "المدينة", "في", "من", "على", "إلى",
	"بعد", "قبل", "مع", "جديد", "محلي", "دولي",
};

static uint32_t
next(uint32_t *s)
{
	/* xorshift32: fast, deterministic, good enough for filler text */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
words(struct buf *b, uint32_t *s, bool arabic, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *w = arabic ?
		    ar_words[next(s) % (sizeof(ar_words) / sizeof(ar_words[0]))] :
		    en_words[next(s) % (sizeof(en_words) / sizeof(en_words[0]))];

		if (i)
			buf_addc(b, ' ');
		buf_adds(b, w);
	}
}

static char *
take(struct arena *a, struct buf *b)
{
	char *r = arena_strndup(a, b->ptr, b->len);

	buf_reset(b);
	return r;
}

struct feed *
synth_feed(struct arena *a, const char *prefix, size_t first, size_t n,
    int64_t t0, uint32_t seed)
{
	struct feed *f = arena_zalloc(a, sizeof(*f));
	struct buf b = BUF_INIT(BUF_NOCAP);
	uint32_t s = seed ? seed : 1;

	f->version = "rss20";
	f->head.title.value = "Synthetic wire";
	f->head.language = "en";
	f->entries = arena_zalloc(a, n * sizeof(*f->entries));
	f->n_entries = n;
	for (size_t k = 0; k < n; k++) {
		struct feed_entry *e = &f->entries[k];
		size_t i = first + k;
		bool arabic = (i % 4) == 3;
		struct feed_media *m;

		e->id = arena_printf(a, "%s-%zu", prefix, i);
		e->link = arena_printf(a, "https://wire.example/%s/%zu?utm_source=rss"
		    "&utm_medium=feed", prefix, i);
		words(&b, &s, arabic, 6 + next(&s) % 8);
		e->title.value = take(a, &b);
		e->title.type = "text/plain";
		buf_adds(&b, "<p>");
		words(&b, &s, arabic, 40 + next(&s) % 40);
		buf_adds(&b, "</p>");
		e->summary.value = take(a, &b);
		e->summary.type = "text/html";
		for (int p = 0; p < 6; p++) {
			buf_adds(&b, "<p>");
			words(&b, &s, arabic, 60 + next(&s) % 80);
			buf_adds(&b, p == 2 ? " <a href=\"https://x.example/\">more"
			    "</a> &amp; &quot;quoted&quot;</p>" : "</p>");
		}
		e->content = arena_zalloc(a, sizeof(*e->content));
		e->content->value = take(a, &b);
		e->content->type = "text/html";
		e->n_content = 1;
		e->published.t = t0 + (int64_t)i;
		e->published.is_set = true;
		e->author = arabic ? "مراسلنا" : "Staff reporter";
		e->language = arabic ? "ar" : "en";
		e->tags = arena_zalloc(a, 2 * sizeof(*e->tags));
		e->tags[0].term = arabic ? "العراق" : "Iraq";
		e->tags[1].term = "Politics";
		e->n_tags = 2;
		m = arena_zalloc(a, sizeof(*m));
		m->url = arena_printf(a, "https://img.example/%zu.jpg", i);
		m->medium = "image";
		m->caption = "A photo caption";
		m->credit = "AFP";
		m->thumbnail = arena_printf(a, "https://img.example/%zu-t.jpg", i);
		e->media = m;
		e->n_media = 1;
	}
	buf_release(&b);
	return f;
}

/* ---- feed-sized entries (synth_feed_small) ---- */

char *
synth_word(char *out, uint32_t k, bool arabic)
{
	static const char *const lat[] = { "ka", "lo", "mi", "ne", "ru",
		"sa", "ti", "vo", "ze", "da", "fe", "go", "hu", "pa", "be",
		"ri" };
	/* two-letter Arabic syllables (4 bytes each) */
	static const char *const ara[] = { "كا", "لو", "مي", "نا", "را",
		"سي", "تو", "دا", "فو", "جي", "حا", "زو", "شي", "طا", "عو",
		"قي" };
	size_t len = 0;

	/* k in base 16, at least 3 syllables so no word is a real one */
	for (int i = 0; i < 5 && (i < 3 || k); i++) {
		const char *syl = arabic ? ara[k % 16] : lat[k % 16];
		size_t n = strlen(syl);

		memcpy(out + len, syl, n);
		len += n;
		k /= 16;
	}
	out[len] = '\0';
	return out;
}

/* A Zipf-like draw: log-uniform over [1, SYNTH_VOCAB], so word k comes
 * up about 1/k as often as word 1. */
static uint32_t
zipf(uint32_t *s)
{
	double u = (double)(next(s) % 1000000) / 1000000.0;
	uint32_t k = (uint32_t)exp(u * log((double)SYNTH_VOCAB));

	return k >= 1 ? k - 1 : 0;
}

/* n words: three in four common, the rest from the Zipf vocabulary. */
static void
mixed_words(struct buf *b, uint32_t *s, bool arabic, size_t n)
{
	char w[64];

	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ' ');
		if (next(s) % 4 == 0)
			buf_adds(b, synth_word(w, zipf(s), arabic));
		else
			words(b, s, arabic, 1);
	}
}

struct feed *
synth_feed_small(struct arena *a, const char *prefix, size_t first,
    size_t n, int64_t t0, int64_t step, uint32_t seed)
{
	struct feed *f = arena_zalloc(a, sizeof(*f));
	struct buf b = BUF_INIT(BUF_NOCAP);
	uint32_t s = seed ? seed : 1;

	f->version = "rss20";
	f->head.title.value = "Synthetic wire";
	f->head.language = "en";
	f->entries = arena_zalloc(a, n * sizeof(*f->entries));
	f->n_entries = n;
	for (size_t k = 0; k < n; k++) {
		struct feed_entry *e = &f->entries[k];
		size_t i = first + k;
		bool arabic = (i % 4) == 3;

		e->id = arena_printf(a, "%s-%zu", prefix, i);
		e->link = arena_printf(a, "https://wire.example/%s/%zu", prefix,
		    i);
		/* ~70 bytes: 9 Latin words, or 7 Arabic ones (2 bytes a
		 * letter) */
		mixed_words(&b, &s, arabic, (arabic ? 5 : 7) + next(&s) % 4);
		e->title.value = take(a, &b);
		e->title.type = "text/plain";
		/* ~300 bytes */
		buf_adds(&b, "<p>");
		mixed_words(&b, &s, arabic, (arabic ? 22 : 32) + next(&s) % 16);
		buf_adds(&b, "</p>");
		e->summary.value = take(a, &b);
		e->summary.type = "text/html";
		if (next(&s) % 10 == 0) {
			for (int p = 0; p < 4; p++) {
				buf_adds(&b, "<p>");
				mixed_words(&b, &s, arabic, 50 + next(&s) % 50);
				buf_adds(&b, "</p>");
			}
			e->content = arena_zalloc(a, sizeof(*e->content));
			e->content->value = take(a, &b);
			e->content->type = "text/html";
			e->n_content = 1;
		}
		e->published.t = t0 + (int64_t)i * step;
		e->published.is_set = true;
		e->author = arabic ? "مراسلنا" : "Staff reporter";
		e->language = arabic ? "ar" : "en";
		e->tags = arena_zalloc(a, sizeof(*e->tags));
		e->tags[0].term = arabic ? "العراق" : "Iraq";
		e->n_tags = 1;
		if (i % 2 == 0) {
			struct feed_media *m = arena_zalloc(a, sizeof(*m));

			m->url = arena_printf(a, "https://img.example/%zu.jpg",
			    i);
			m->medium = "image";
			e->media = m;
			e->n_media = 1;
		}
	}
	buf_release(&b);
	return f;
}
