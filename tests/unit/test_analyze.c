/*
 * test_analyze: the story clusterer and the kit's line scanner.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
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
	assert_int_equal(analyze_kit_parse(&kl, &scratch, line, strlen(line),
	    ANALYZE_TEXT_LEAD), 0);
	assert_string_equal(kl.id, "a1");
	assert_string_equal(kl.doc.title, "Caf\xc3\xa9 \"opens\"");
	assert_string_equal(kl.doc.text, "body");
	assert_string_equal(kl.doc.lang, "en");
	assert_true(kl.doc.time == 1394470469);
	/* ISO 8601 expanded years: +YYYYY(Y); five digits with no sign and
	 * a sign with four are not times */
	line = "{\"id\": \"a2\", \"time\": \"+012014-03-10T16:54:29Z\"}";
	assert_int_equal(analyze_kit_parse(&kl, &scratch, line, strlen(line),
	    ANALYZE_TEXT_LEAD), 0);
	/* 10,000 years are 25 Gregorian cycles of 146,097 days */
	assert_true(kl.doc.time == 1394470469 + (int64_t)3652425 * 86400);
	line = "{\"id\": \"a3\", \"time\": \"12014-03-10T16:54:29Z\"}";
	assert_int_equal(analyze_kit_parse(&kl, &scratch, line, strlen(line),
	    ANALYZE_TEXT_LEAD), 0);
	assert_true(kl.doc.time == 0);
	line = "{\"id\": \"a4\", \"time\": \"+2014-03-10T16:54:29Z\"}";
	assert_int_equal(analyze_kit_parse(&kl, &scratch, line, strlen(line),
	    ANALYZE_TEXT_LEAD), 0);
	assert_true(kl.doc.time == 0);
	/* The text past text_max is skipped, not read, whether or not an
	 * escape comes before it (the scan stops at the cap: it used to run
	 * on to the next escape or quote, which cost a paragraph per item);
	 * what is decoded is checked */
	{
		char big[800];
		size_t n = (size_t)snprintf(big, sizeof(big),
		    "{\"id\": \"a5\", \"text\": \"%0700d\x01\"}", 0);

		assert_int_equal(analyze_kit_parse(&kl, &scratch, big, n,
		    ANALYZE_TEXT_LEAD), 0);
		assert_int_equal(strlen(kl.doc.text), ANALYZE_TEXT_LEAD);
		n = (size_t)snprintf(big, sizeof(big),
		    "{\"id\": \"a6\", \"text\": \"%0500d\x01\"}", 0);
		assert_int_equal(analyze_kit_parse(&kl, &scratch, big, n,
		    ANALYZE_TEXT_LEAD), ND_EPARSE);
	}
	/* A raw control byte anywhere a string is read is refused (the scan
	 * checks eight bytes at a time: every offset of a word, and the
	 * tail), and the bytes around 0x20 are told apart */
	for (size_t at = 0; at < 20; at++) {
		for (int b = 0x1e; b <= 0x21; b++) {
			char l[64] = "{\"title\": \"abcdefghijklmnopqrstu\"}";
			size_t n = strlen(l);

			l[11 + at] = (char)b;
			assert_int_equal(analyze_kit_parse(&kl, &scratch, l, n,
			    ANALYZE_TEXT_LEAD), b < 0x20 ? ND_EPARSE : 0);
		}
	}
	/* keys are compared whole: a key with a NUL in it is no field */
	{
		const char *l = "{\"id\\u0000x\": \"z\"}";

		assert_int_equal(analyze_kit_parse(&kl, &scratch, l,
		    strlen(l), ANALYZE_TEXT_LEAD), 0);
	}
	assert_null(kl.id);
	assert_int_equal(analyze_kit_parse(&kl, &scratch, "{\"id\": ", 7,
	    ANALYZE_TEXT_LEAD), ND_EPARSE);
	assert_int_equal(analyze_kit_parse(&kl, &scratch, "[1]", 3,
	    ANALYZE_TEXT_LEAD), ND_EPARSE);
	buf_release(&scratch);
}

static const char *const wire =
    "The river authority said on Tuesday that the reservoir behind the "
    "Tessen dam rose four metres in five days, the fastest filling since "
    "construction began, and that downstream flows fell by a quarter at "
    "the Nuwayra gauge, according to figures released to reporters.";

/* Two outlets carrying the same wire copy (one with its own headline and
 * a last sentence cut) are near-duplicates and share a story; an unrelated
 * report starts its own. */
static void
near_duplicates(void **state)
{
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_doc a = { .time = 1000000, .title = "Reservoir rises",
		.text = wire };
	struct analyze_doc b = { .time = 1003600, .title = "Tessen filling "
		"speeds up", .text = wire };
	struct analyze_doc c = { .time = 1007200, .title = "Football cup "
		"final tonight", .text = "The cup final kicks off at eight "
		"with both teams at full strength after a long season of "
		"matches in the northern league." };
	struct analyze_result ra, rb, rc;

	(void)state;
	assert_non_null(an);
	analyze_add(an, &a, &ra);
	analyze_add(an, &b, &rb);
	analyze_add(an, &c, &rc);
	assert_true(ra.is_new_story);
	assert_int_equal(rb.story, ra.story);
	assert_int_equal(rb.dup_of, 0);
	assert_true(rc.story != ra.story);
	assert_int_equal(rc.dup_of, -1);
	analyze_free(an);
}

/* An editor's placement (force_story) wins over similarity, and stories
 * handed out later never reuse its id. */
static void
forced_story(void **state)
{
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_doc a = { .time = 1000000, .title = "Reservoir rises",
		.text = wire, .force_story = 40 };
	struct analyze_doc b = { .time = 1000100, .title = "Football final",
		.text = "The cup final kicks off at eight.", .force_story = 40 };
	struct analyze_doc c = { .time = 1000200, .title = "Election called",
		.text = "Parliament was dissolved on Monday." };
	struct analyze_result r;

	(void)state;
	analyze_add(an, &a, &r);
	assert_int_equal(r.story, 40);
	analyze_add(an, &b, &r);
	assert_int_equal(r.story, 40);
	analyze_add(an, &c, &r);
	assert_true(r.story > 40);
	analyze_free(an);
}

/* Memory is bounded by the window: a year of distinct reports, one an
 * hour, leaves only the stories of the last window live, and the memory
 * held stops growing. */
static void
window_bounds_memory(void **state)
{
	struct analyze_opts o;
	struct analyze *an;
	struct analyze_stats s1, s2;
	char title[64], text[128];

	(void)state;
	analyze_opts_default(&o);
	an = analyze_new(&o, 1);
	for (int i = 0; i < 24 * 365; i++) {
		struct analyze_doc d = { .time = 1000000 + (int64_t)i * 3600,
			.title = title, .text = text };
		struct analyze_result r;

		snprintf(title, sizeof(title), "Report number w%dx q%dz", i, i * 7);
		snprintf(text, sizeof(text), "Unique words k%dk and m%dm and "
		    "p%dp", i, i * 3, i * 11);
		analyze_add(an, &d, &r);
		if (i == 24 * 30)
			analyze_stats(an, &s1);
	}
	analyze_stats(an, &s2);
	assert_true(s2.n_live <= (size_t)(o.window_s / 3600) + 256 + 1);
	assert_true(s2.bytes <= s1.bytes + (s1.bytes >> 3));
	assert_true(s2.n_stories > s2.n_live);
	analyze_free(an);
}

/* The same documents in the same order give the same stories, whether a
 * caller adds them in one run or restarts from the stored assignments
 * (force_story) of the first part: what ingest's warm-up relies on. */
static void
batching_independent(void **state)
{
	static const char *const titles[] = {
		"Dam talks open in Port Amsel", "Port Amsel dam talks begin",
		"Cup final ends in a draw", "Dam talks in Port Amsel stall",
		"Draw in the cup final", "Port Amsel talks: drought clause",
	};
	size_t n = sizeof(titles) / sizeof(titles[0]);
	int64_t one[6], two[6];
	struct analyze *an = analyze_new(NULL, 1), *b1, *b2;
	struct analyze_result r;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct analyze_doc d = { .time = 1000000 + (int64_t)i * 600,
			.title = titles[i] };

		analyze_add(an, &d, &r);
		one[i] = r.story;
	}
	/* Batch 1: the first half; batch 2: a new clusterer warmed up from
	 * batch 1's results, then the rest. */
	b1 = analyze_new(NULL, 1);
	for (size_t i = 0; i < n / 2; i++) {
		struct analyze_doc d = { .time = 1000000 + (int64_t)i * 600,
			.title = titles[i] };

		analyze_add(b1, &d, &r);
		two[i] = r.story;
	}
	b2 = analyze_new(NULL, 1);
	for (size_t i = 0; i < n; i++) {
		struct analyze_doc d = { .time = 1000000 + (int64_t)i * 600,
			.title = titles[i], .force_story = i < n / 2 ? two[i] : 0 };

		analyze_add(b2, &d, &r);
		two[i] = r.story;
	}
	for (size_t i = 0; i < n; i++)
		assert_int_equal(one[i], two[i]);
	analyze_free(an);
	analyze_free(b1);
	analyze_free(b2);
}

/* Two stories whose first headlines share no word, then a headline that
 * tells both: the younger folds into the older (its id stays), and the
 * next report of either goes there. Headlines that share one word only
 * ("good" in "Goods") do not join. */
static void
converging_stories_fold(void **state)
{
	static const char *const titles[] = {
		"Leaders pledge to stop calling little girls bossy",
		"Beyonce joins celebrities in empowerment campaign",
		"Beyonce joins campaign to stop calling girls bossy",
		"Beyonce and celebrities campaign for girls",
		"Sporting goods retailer posts quarterly profit",
		"Castmates compare her to a good boss",
	};
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_result r[6];

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		struct analyze_doc d = { .time = 2000000 + (int64_t)i * 60,
			.title = titles[i] };

		analyze_add(an, &d, &r[i]);
	}
	assert_int_not_equal(r[0].story, r[1].story);
	assert_int_equal(r[2].story, r[0].story);
	assert_int_equal(r[2].n_merged, 1);
	assert_int_equal(r[2].merged[0], r[1].story);
	assert_int_equal(r[3].story, r[0].story);
	assert_int_equal(r[3].n_merged, 0);
	assert_int_not_equal(r[5].story, r[4].story);
	analyze_free(an);
}

/* The section classifier learns from filed items, and an item taken out
 * again (an editor's correction, leave-one-out) leaves the model as it
 * was. */
static void
sections_naive_bayes(void **state)
{
	static const struct {
		const char *title, *text, *section;
	} train[] = {
		{ "Striker scores twice", "The striker scored twice as the club "
		  "won the league match in extra time.", "sports" },
		{ "Coach praises defence", "The coach said the team defended "
		  "well in the cup match against the champions.", "sports" },
		{ "Shares fall on profit warning", "The company's shares fell "
		  "after it warned that annual profit would miss forecasts.",
		  "business" },
		{ "Bank raises interest rates", "The central bank raised "
		  "interest rates to curb inflation, lifting the currency.",
		  "business" },
	};
	struct analyze_nb *nb = analyze_nb_new();
	struct analyze_doc q1 = { .title = "Club wins cup match",
		.text = "The team scored late to win the cup." };
	struct analyze_doc q2 = { .title = "Profit and shares",
		.text = "Inflation hit profit and the shares fell." };
	struct analyze_doc odd = { .title = "Bank match", .text =
		"The striker opened a bank account." };
	double m1, m2;
	const char *before;

	(void)state;
	assert_non_null(nb);
	assert_null(analyze_nb_predict(nb, &q1, NULL));
	for (size_t i = 0; i < sizeof(train) / sizeof(train[0]); i++) {
		struct analyze_doc d = { .title = train[i].title,
			.text = train[i].text };

		assert_int_equal(analyze_nb_learn(nb, &d, train[i].section), 0);
	}
	assert_string_equal(analyze_nb_predict(nb, &q1, &m1), "sports");
	assert_string_equal(analyze_nb_predict(nb, &q2, &m2), "business");
	assert_true(m1 > 0 && m2 > 0);
	before = analyze_nb_predict(nb, &odd, &m1);
	assert_int_equal(analyze_nb_learn(nb, &odd, "business"), 0);
	assert_int_equal(analyze_nb_forget(nb, &odd, "business"), 0);
	assert_string_equal(analyze_nb_predict(nb, &odd, &m2), before);
	assert_true(m1 - m2 < 1e-6 && m2 - m1 < 1e-6);
	assert_int_equal(analyze_nb_forget(nb, &odd, "weather"), ND_ENOTFOUND);
	assert_int_equal(analyze_nb_learn(nb, &odd, ""), ND_EINVAL);
	analyze_nb_free(nb);
}

/* The same lead photo from another outlet within hours is the same event,
 * whatever the language (the demo's English and Arabic reports of one
 * agreement); the same outlet reusing a photo, or another outlet days
 * later, is not. */
static void
shared_photo(void **state)
{
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_doc en = { .time = 1000000, .source = "wire",
		.lang = "en", .title = "Deal in principle on the dam",
		.photo = "http://p.example/conference.jpg" };
	struct analyze_doc ar = { .time = 1000000 + 3600, .source = "paper",
		.lang = "ar", .title = "\xd8\xa7\xd8\xaa\xd9\x81\xd8\xa7\xd9\x82 "
		"\xd9\x85\xd8\xa8\xd8\xaf\xd8\xa6\xd9\x8a",
		.photo = "http://p.example/conference.jpg" };
	struct analyze_doc same = { .time = 1000000 + 7200, .source = "wire",
		.lang = "en", .title = "Football cup final tonight",
		.photo = "http://p.example/conference.jpg" };
	struct analyze_doc later = { .time = 1000000 + 3 * 86400,
		.source = "herald", .lang = "en", .title = "Budget vote passes",
		.photo = "http://p.example/conference.jpg" };
	struct analyze_result r1, r2, r3, r4;

	(void)state;
	analyze_add(an, &en, &r1);
	analyze_add(an, &ar, &r2);
	analyze_add(an, &same, &r3);
	analyze_add(an, &later, &r4);
	assert_int_equal(r2.story, r1.story);
	assert_true(r3.story != r1.story);
	assert_true(r4.story != r1.story && r4.story != r3.story);
	analyze_free(an);
}

/* A fold keeps what pointed at the folded story: a report from another
 * outlet with the folded story's lead photo joins the story it went into
 * (the demo's English and Arabic reports of one agreement came apart
 * when the English one's story folded). And two stories fold only when
 * they began within merge_span_s of each other: on a one-beat desk,
 * stories weeks apart share the beat's words without being one event. */
static void
fold_keeps_photo_and_span(void **state)
{
	static const char *const titles[] = {
		"Leaders pledge to stop calling little girls bossy",
		"Beyonce joins celebrities in empowerment campaign",
		"Beyonce joins campaign to stop calling girls bossy",
	};
	struct analyze_opts o;
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_result r[3], ra;
	struct analyze_doc ar = { .time = 2000000 + 600, .source = "paper",
		.lang = "ar", .title = "\xd8\xa7\xd8\xaa\xd9\x81\xd8\xa7\xd9\x82 "
		"\xd9\x85\xd8\xa8\xd8\xaf\xd8\xa6\xd9\x8a",
		.photo = "http://p.example/stage.jpg" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct analyze_doc d = { .time = 2000000 + (int64_t)i * 60,
			.title = titles[i], .source = "wire",
			.photo = i == 1 ? "http://p.example/stage.jpg" : NULL };

		analyze_add(an, &d, &r[i]);
	}
	assert_int_equal(r[2].n_merged, 1);
	assert_int_equal(r[2].merged[0], r[1].story);
	analyze_add(an, &ar, &ra);
	assert_int_equal(ra.story, r[0].story);
	analyze_free(an);

	analyze_opts_default(&o);
	o.merge_span_s = 30;
	an = analyze_new(&o, 1);
	for (size_t i = 0; i < 3; i++) {
		struct analyze_doc d = { .time = 2000000 + (int64_t)i * 60,
			.title = titles[i] };

		analyze_add(an, &d, &r[i]);
	}
	assert_int_not_equal(r[0].story, r[1].story);
	assert_int_equal(r[2].n_merged, 0);
	analyze_free(an);
}

/* Reports on other matters, so that document frequencies mean something
 * before the reports a test is about. */
static const char *const other_news[][2] = {
	{ "Parliament passes the budget", "Members voted late on Monday to "
	  "pass the budget after a long debate on taxes and spending." },
	{ "Striker signs for the champions", "The striker signed a "
	  "three-year contract with the champions on Friday." },
	{ "Central bank holds rates", "The central bank kept its rate "
	  "unchanged and said inflation was slowing." },
	{ "Museum reopens after repairs", "The city museum reopened its "
	  "doors after two years of repairs to the roof." },
	{ "Storm delays ferries", "Ferries between the islands were "
	  "delayed by high winds and rough seas." },
	{ "Court jails fraudster", "A court jailed a former accountant for "
	  "six years for stealing from his clients." },
};

static void
add_other_news(struct analyze *an, int64_t t)
{
	struct analyze_result r;

	for (size_t i = 0; i < sizeof(other_news) / sizeof(other_news[0]);
	    i++) {
		struct analyze_doc d = { .time = t + (int64_t)i,
			.source = "gazette", .title = other_news[i][0],
			.text = other_news[i][1] };

		analyze_add(an, &d, &r);
	}
}

/* A page whose text lead is something else (a video box, another report)
 * but whose headline names an event joins that event's story: stories
 * are looked up under the headline's words too, not only under the
 * document's heaviest terms (wikinews' VOA drone report: its lead was a
 * video about Myanmar's camps). */
static void
headline_finds_story(void **state)
{
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_doc a = { .time = 1000000, .source = "bbc",
		.title = "Drone strike kills militants in Waziristan",
		.text = "A drone strike killed at least fifteen militants in "
		"South Waziristan near the Afghan border, officials said. The "
		"drone fired four missiles at a compound in Waziristan." };
	struct analyze_doc b = { .time = 1000000 + 3600, .source = "voa",
		.title = "Drone strike kills militants in South Waziristan",
		.text = "Video: cooking tips. Chefs bake bread, roast lamb, "
		"glaze carrots, whisk custard, poach pears, braise leeks, "
		"pickle onions, grill sardines, steam dumplings, knead dough, "
		"simmer soup. Chefs bake bread, roast lamb, glaze carrots, "
		"whisk custard, poach pears, braise leeks, pickle onions, "
		"grill sardines, steam dumplings, knead dough, simmer soup." };
	struct analyze_result ra, rb;

	(void)state;
	add_other_news(an, 900000);
	analyze_add(an, &a, &ra);
	analyze_add(an, &b, &rb);
	assert_true(ra.is_new_story);
	assert_int_equal(rb.story, ra.story);
	analyze_free(an);
}

/* A headline that names no event weighs as text does, not three times:
 * a one-word one (Xinhua's pages are all titled "English"), and one its
 * outlet gave to another page within the window (a site's or section's
 * name). The report's text then places it. */
static void
generic_title_weighs_as_text(void **state)
{
	static const char *const flood = "Heavy rain flooded roads across "
	    "Cumbria on Tuesday and rescuers evacuated homes near Keswick, "
	    "where the river burst its banks after a week of storms.";
	static const char *const flood2 = "Rescuers evacuated families "
	    "near Keswick after heavy rain flooded roads; officials opened "
	    "shelters, schools closed, trains stopped, volunteers delivered "
	    "blankets and hot food to stranded villages.";
	static const char *const flood3 = "Floodwater closed roads across "
	    "Cumbria; soldiers delivered sandbags while councils warned "
	    "residents about rising water overnight and the army built "
	    "barriers beside bridges.";
	struct analyze *an = analyze_new(NULL, 1);
	struct analyze_doc a = { .time = 1000000, .source = "guardian",
		.title = "Floods close roads across Cumbria", .text = flood };
	struct analyze_doc one = { .time = 1000000 + 600, .source = "xinhua",
		.title = "English", .text = flood2 };
	struct analyze_doc site1 = { .time = 1000000 + 1200,
		.source = "herald", .title = "Herald Online Breaking Headlines",
		.text = "Members voted late on Monday to pass the budget." };
	struct analyze_doc site2 = { .time = 1000000 + 1800,
		.source = "herald", .title = "Herald Online Breaking Headlines",
		.text = flood3 };
	/* two pages of one wire's site, told apart by the sources' names so
	 * that only the one-word rule is at work */
	struct analyze_doc w1 = { .time = 1000000 + 2400,
		.source = "xinhua-europe", .title = "English",
		.text = "BRUSSELS, July 24 (Xinhuanet) -- Ministers agreed on "
		"Sunday to cut fishing quotas in the North Sea by a fifth, "
		"after scientists warned that stocks of cod and haddock had "
		"fallen for six years; trawler crews protested outside." };
	struct analyze_doc w2 = { .time = 1000000 + 3000,
		.source = "xinhua-africa", .title = "English",
		.text = "NAIROBI, July 24 (Xinhuanet) -- Voters queued from dawn "
		"to elect a new parliament in polls observers called calm, "
		"while the electoral commission promised results within a "
		"week and candidates urged supporters to accept them." };
	struct analyze_result ra, r1, rs1, rs2, rw1, rw2;

	(void)state;
	add_other_news(an, 900000);
	analyze_add(an, &a, &ra);
	analyze_add(an, &one, &r1);
	analyze_add(an, &site1, &rs1);
	analyze_add(an, &site2, &rs2);
	analyze_add(an, &w1, &rw1);
	analyze_add(an, &w2, &rw2);
	assert_int_equal(r1.story, ra.story);
	assert_int_equal(rs2.story, ra.story);
	assert_int_not_equal(rw2.story, rw1.story);
	analyze_free(an);
}

/* A story is the event its first day's reports told. On a one-beat desk
 * every development shares the beat's words, and a centroid that takes
 * in each follow-up drifts along the thread: the demo's filling of the
 * dam (20 November) took in the council's mediation, the envoy's
 * appointment and her visits, 19 reports over five days, once the
 * demo's items were clustered in time order. Past its first day a story
 * takes a report only if the report also matches what the first day's
 * reports said (seed_threshold). */
static void
story_keeps_to_its_first_day(void **state)
{
	static const int hours[] = { 0, 2, 4, 30, 51, 75 };
	static const char *const docs[][2] = {
		{ "Korvia begins second filling of Tessen dam reservoir",
		  "Korvia began the second filling of the Tessen dam "
		  "reservoir on Friday, officials said." },
		{ "Tessen reservoir filling starts as Korvia closes dam "
		  "gates", "The Tessen dam gates closed and the reservoir "
		  "filling began, Korvia said." },
		{ "Korvia starts filling Tessen reservoir without notice",
		  "Korvia started filling the Tessen dam reservoir without "
		  "notice to downstream states." },
		{ "River Council offers mediation as Tessen dam filling "
		  "goes on", "The River Council offered mediation between the "
		  "states as the Tessen dam filling went on." },
		{ "River Council mediation: envoy to lead talks between "
		  "states", "The River Council said its mediation would be led "
		  "by an envoy in talks between the states." },
		{ "River Council names envoy to lead mediation talks",
		  "The River Council named a veteran envoy to lead the "
		  "mediation talks between the states." },
	};
	struct analyze_opts o;
	int64_t story[2][6];

	(void)state;
	for (int run = 0; run < 2; run++) {
		struct analyze *an;

		analyze_opts_default(&o);
		assert_true(o.seed_threshold > 0);
		if (run == 1)
			o.seed_threshold = 0;
		an = analyze_new(&o, 1);
		for (size_t i = 0; i < 6; i++) {
			char src[8];
			struct analyze_doc d = { .time = 3000000 +
				hours[i] * 3600, .source = src,
				.lang = "en", .title = docs[i][0],
				.summary = docs[i][1] };
			struct analyze_result r;

			snprintf(src, sizeof(src), "s%zu", i);
			analyze_add(an, &d, &r);
			story[run][i] = r.story;
		}
		analyze_free(an);
	}
	/* the first day's reports and the next day's that still tell the
	 * filling are one story; the envoy's talks two days on are another */
	assert_int_equal(story[0][1], story[0][0]);
	assert_int_equal(story[0][2], story[0][0]);
	assert_int_equal(story[0][3], story[0][0]);
	assert_true(story[0][4] != story[0][0]);
	assert_int_equal(story[0][5], story[0][4]);
	/* without the rule the filling's story takes them all */
	for (size_t i = 1; i < 6; i++)
		assert_int_equal(story[1][i], story[1][0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kit_parse_fields),
		cmocka_unit_test(near_duplicates),
		cmocka_unit_test(forced_story),
		cmocka_unit_test(window_bounds_memory),
		cmocka_unit_test(batching_independent),
		cmocka_unit_test(converging_stories_fold),
		cmocka_unit_test(sections_naive_bayes),
		cmocka_unit_test(shared_photo),
		cmocka_unit_test(fold_keeps_photo_and_span),
		cmocka_unit_test(headline_finds_story),
		cmocka_unit_test(generic_title_weighs_as_text),
		cmocka_unit_test(story_keeps_to_its_first_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
