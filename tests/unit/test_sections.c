/*
 * Unit tests of analyze/sections.c (issue 9): the desk's rules and their
 * order (outlet, category, words), the classifier once it knows two
 * sections and an editor's correction retraining it, the beat's profile
 * (words, phrases, stems, the headline counting twice) and what kept and
 * hidden items teach it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/analyze.h"
#include "core/err.h"
#include "core/banned.h"

static struct analyze_doc
doc(const char *source, const char *title, const char *summary)
{
	struct analyze_doc d = { .source = source, .title = title,
		.summary = summary, .lang = "en" };

	return d;
}

static void
rules_in_order(void **state)
{
	struct analyze_sections *s = analyze_sections_new();
	struct analyze_section_result r;
	struct analyze_doc d;
	const char *tags[] = { "Hydrology", "Local" };

	(void)state;
	assert_non_null(s);
	assert_int_equal(analyze_sections_rule(s, "ports", ANALYZE_RULE_WORD,
	    "harbour"), 0);
	assert_int_equal(analyze_sections_rule(s, "politics",
	    ANALYZE_RULE_WORD, "election"), 0);
	assert_int_equal(analyze_sections_rule(s, "politics",
	    ANALYZE_RULE_WORD, "prime minister"), 0);
	assert_int_equal(analyze_sections_rule(s, "rivers",
	    ANALYZE_RULE_CATEGORY, "hydrology"), 0);
	assert_int_equal(analyze_sections_rule(s, "wire",
	    ANALYZE_RULE_SOURCE, "7"), 0);
	/* bad rules */
	assert_int_equal(analyze_sections_rule(s, NULL, ANALYZE_RULE_WORD,
	    "x"), ND_EINVAL);
	assert_int_equal(analyze_sections_rule(s, "a", ANALYZE_RULE_BEAT,
	    "x"), ND_EINVAL);
	assert_int_equal(analyze_sections_rule(s, "a", ANALYZE_RULE_WORD,
	    "one two three four five six seven eight nine"), ND_EINVAL);
	assert_int_equal(analyze_sections_rule(s, "a", ANALYZE_RULE_WORD,
	    ""), ND_EINVAL);

	/* words, stemmed: "Harbours" matches "harbour" */
	d = doc("1", "Harbours reopen", "Ships are back.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "ports");
	assert_true(r.is_rule);
	/* the section whose words occur most: two politics words, one port */
	d = doc("1", "Prime minister calls an election",
	    "The harbour vote waits.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "politics");
	/* a phrase needs its words together */
	d = doc("1", "The minister of the prime site", "Nothing else.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_null(r.section);
	/* a category beats words (case-insensitive) */
	d = doc("1", "Election day at the harbour", "Gauges read.");
	analyze_sections_decide(s, &d, tags, 2, &r);
	assert_string_equal(r.section, "rivers");
	/* an outlet's rule beats everything */
	d = doc("7", "Election day at the harbour", "Gauges read.");
	analyze_sections_decide(s, &d, tags, 2, &r);
	assert_string_equal(r.section, "wire");
	/* no rule, nothing learned: no section, and on the beat (no
	 * profile) */
	d = doc("1", "A quiet day", "Nothing happened.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_null(r.section);
	assert_true(r.is_relevant);
	analyze_sections_free(s);
}

static const char *const politics[] = {
	"The parliament debates the budget and the coalition government",
	"Ministers resign as the coalition government loses parliament",
	"Opposition party demands an early vote in parliament",
};
static const char *const sports[] = {
	"The striker scores twice as the club wins the league match",
	"The coach names the squad for the cup match and the league",
	"Goalkeeper saves a penalty as the club wins the cup",
};

static void
classifier_and_correction(void **state)
{
	struct analyze_sections *s = analyze_sections_new();
	struct analyze_section_result r;
	struct analyze_doc d, q;

	(void)state;
	/* one section learned: the classifier does not file yet */
	for (size_t i = 0; i < 3; i++) {
		d = doc("1", politics[i], NULL);
		assert_int_equal(analyze_sections_learn(s, &d, "politics"), 0);
	}
	q = doc("2", "The club wins the league match after a penalty", NULL);
	analyze_sections_decide(s, &q, NULL, 0, &r);
	assert_null(r.section);
	for (size_t i = 0; i < 3; i++) {
		d = doc("1", sports[i], NULL);
		assert_int_equal(analyze_sections_learn(s, &d, "sports"), 0);
	}
	analyze_sections_decide(s, &q, NULL, 0, &r);
	assert_string_equal(r.section, "sports");
	assert_false(r.is_rule);
	assert_true(r.margin > 0);
	d = doc("2", "Coalition government wins the parliament vote", NULL);
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "politics");
	/* an editor's correction: the item and its like move */
	d = doc("2", "Penalty shootout decides the cup", NULL);
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "sports");
	for (int k = 0; k < 4; k++)
		assert_int_equal(analyze_sections_learn(s, &d, "shootouts"), 0);
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "shootouts");
	for (int k = 0; k < 4; k++)
		assert_int_equal(analyze_sections_forget(s, &d, "shootouts"),
		    0);
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_string_equal(r.section, "sports");
	analyze_sections_free(s);
}

static void
beat_profile(void **state)
{
	struct analyze_sections *s = analyze_sections_new();
	struct analyze_section_result r;
	struct analyze_doc d;

	(void)state;
	assert_int_equal(analyze_sections_rule(s, NULL, ANALYZE_RULE_BEAT,
	    "Miral"), 0);
	assert_int_equal(analyze_sections_rule(s, NULL, ANALYZE_RULE_BEAT,
	    "Port Amsel"), 0);
	assert_int_equal(analyze_sections_rule(s, NULL, ANALYZE_RULE_BEAT,
	    "reservoir"), 0);
	/* in the headline: 2 */
	d = doc("1", "Miral talks resume", "Drafts were exchanged.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_true(r.is_relevant);
	assert_true(r.relevance == 2.0);
	/* a phrase in the summary, a stem: 1 + 1 */
	d = doc("1", "Talks resume", "In Port Amsel, the reservoirs filled.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_true(r.relevance == 2.0);
	/* half a phrase is nothing: off the beat */
	d = doc("1", "A port strike", "Amsel is a name.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_false(r.is_relevant);
	assert_true(r.relevance == 0.0);
	/* what editors kept and hid: a bakery item hidden, dam items kept */
	{
		struct analyze_doc kept = doc("1", "Dam turbine connected",
		    "The dam's third turbine feeds the grid.");
		struct analyze_doc hid = doc("1", "Bakery opens downtown",
		    "Croissants and bread at a new bakery.");

		for (int k = 0; k < 3; k++) {
			assert_int_equal(analyze_sections_learn_beat(s, &kept,
			    true), 0);
			assert_int_equal(analyze_sections_learn_beat(s, &hid,
			    false), 0);
		}
	}
	d = doc("1", "New dam turbine", "The turbine on the dam.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_true(r.is_relevant);
	assert_true(r.relevance > 0);
	d = doc("1", "Second bakery opens", "More bread downtown.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_false(r.is_relevant);
	assert_true(r.relevance < 0);
	/* a profile word outweighs a little learned doubt */
	d = doc("1", "Miral bakery opens", "Bread.");
	analyze_sections_decide(s, &d, NULL, 0, &r);
	assert_true(r.relevance > -1.5);
	analyze_sections_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_in_order),
		cmocka_unit_test(classifier_and_correction),
		cmocka_unit_test(beat_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
