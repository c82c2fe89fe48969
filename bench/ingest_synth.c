/* ingest_synth: see ingest_synth.h. */
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
		struct media *m;

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
