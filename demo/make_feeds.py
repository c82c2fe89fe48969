#!/usr/bin/env python3
"""Writes demo/feeds/*, demo/sources.opml and demo/sources-local.opml: a
fictional beat for newsdesk.

The beat: the Miral River dispute. Korvia, upstream, is filling the
reservoir behind its new Tessen Dam; Samaran, downstream and Arabic-speaking,
depends on the river for its farms and cities. The River States Council
mediates. Every outlet, person and place here is invented; hosts use the
reserved .example domain.

The output is committed; run this again only to change the demo on purpose
(`python3 demo/make_feeds.py`) and review the diff. Dates are fixed (the demo
"now" is 2026-11-29) so tests and the demo are reproducible.

sources.opml lists the outlets' (invented) public feed URLs: `newsdesk
ingest demo/feeds` attaches the files to them. sources-local.opml lists the
same feeds as served by the demo's fixture server on 127.0.0.1:8089
(demo/serve.py), which `make demo` fetches over HTTP; the photo URLs in the
feeds point at that server too (demo/photos/, made by demo/make_photos.py).
"""
import datetime as dt
import json
import os
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "feeds")


def when(day, hhmm, tz):
    """A time on 2026-11-<day> at hh:mm in a fixed offset (hours)."""
    h, m = hhmm.split(":")
    zone = dt.timezone(dt.timedelta(hours=tz))
    return dt.datetime(2026, 11, day, int(h), int(m), tzinfo=zone)


def rfc822(t):
    return t.strftime("%a, %d %b %Y %H:%M:%S ") + t.strftime("%z")


def rfc3339(t):
    return t.isoformat()


def slug(s):
    out = []
    for c in s.lower():
        if c.isascii() and c.isalnum():
            out.append(c)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:60]


# ---------------------------------------------------------------- outlets
# Each item: (day, time, headline, summary, categories, author, photo)
# photo = (file, caption, credit) or None.

HERALD = dict(
    key="korvia-herald", title="The Korvia Herald", tz=2,
    site="https://herald.korvia.example/",
    feed="https://herald.korvia.example/feeds/miral.xml",
    desc="News from Drevna and the Korvian highlands. Miral River coverage.",
    lang="en", section="Developments", fmt="rss20", file="korvia-herald.xml",
    items=[
        (20, "08:15", "Tessen reservoir enters second filling stage as spring rains end",
         "The Energy Ministry said gates at the Tessen Dam were partly closed at dawn, "
         "beginning a second stage of filling that officials say will take the reservoir "
         "to 62 percent of capacity by March.",
         ["Tessen Dam", "Energy"], "Ana Petrova",
         ("tessen-spillway.jpg", "Water passes the spillway of the Tessen Dam on Friday, "
          "hours before engineers began closing the lower gates.", "Korvia Herald/Milos Feren")),
        (20, "17:40", "Samaran summons Korvian ambassador over dam filling",
         "Nuwayra called the start of filling 'a unilateral act' and summoned Ambassador "
         "Viktor Halm. The Foreign Ministry in Drevna said the move complies with the 2019 "
         "basin framework.",
         ["Diplomacy", "Samaran"], "Milos Feren", None),
        (21, "10:05", "Brandt: 'Not a drop more than the framework allows'",
         "Energy Minister Tomas Brandt told parliament that releases below the dam would "
         "never fall under the 900 cubic metres a second set in 2019, and invited Samarani "
         "engineers to inspect the gauges.",
         ["Tessen Dam", "Parliament"], "Ana Petrova",
         ("brandt-parliament.jpg", "Energy Minister Tomas Brandt addresses the National "
          "Assembly in Drevna on Saturday.", "Basin Wire")),
        (22, "09:30", "What the Tessen Dam means for Korvian power bills",
         "When all six turbines run, the dam will add 3.1 gigawatts to a grid that imports "
         "a fifth of its electricity. Economists expect household tariffs to fall by up to "
         "12 percent within two years.",
         ["Energy", "Economy"], "Katrin Lovas", None),
        (22, "19:20", "Vask defends dam in televised address, calls for 'calm and data'",
         "Prime Minister Marta Vask said Korvia would publish reservoir levels every day "
         "and urged Samaran to judge the filling 'by measurements, not by fear'.",
         ["Government", "Tessen Dam"], "Milos Feren",
         ("vask-address.jpg", "Prime Minister Marta Vask speaks from the Chancellery in "
          "Drevna on Sunday evening.", "Korvian Government Press Office")),
        (23, "11:00", "River States Council names veteran hydrologist as Miral envoy",
         "Ingrid Halvorsen, a former director of the council's hydrology office, will "
         "travel to Drevna on Tuesday and Nuwayra on Wednesday before convening talks.",
         ["Diplomacy", "River States Council"], "Ana Petrova", None),
        (24, "08:45", "Halvorsen arrives in Drevna as Korvia offers daily data feed",
         "Foreign Minister Aurel Dimanis greeted the envoy at the airport and said Korvia "
         "would give Samaran live readings from the three gauges between the dam and the "
         "border at Kessel Bend.",
         ["Diplomacy", "Data"], "Milos Feren",
         ("halvorsen-drevna.jpg", "Envoy Ingrid Halvorsen, left, is greeted by Foreign "
          "Minister Aurel Dimanis at Drevna airport.", "Basin Wire/Irena Volk")),
        (24, "16:10", "Villagers upstream of Tessen count the cost of a rising lake",
         "In Vel Orna, where the reservoir now laps at the old school, 140 families are "
         "waiting for compensation promised in 2021. 'They moved the water faster than the "
         "money,' said the village head.",
         ["Tessen Dam", "Resettlement"], "Katrin Lovas",
         ("vel-orna.jpg", "The flooded road into Vel Orna, 30 km above the Tessen Dam.",
          "Korvia Herald/Milos Feren")),
        (25, "13:30", "Opposition demands parliament vote on any Miral deal",
         "The Green Highlands party said a filling schedule agreed abroad must be ratified "
         "in Drevna. The government says the framework already allows ministers to sign.",
         ["Parliament", "Politics"], "Ana Petrova", None),
        (26, "09:00", "Talks open in Port Amsel with technical teams at the table",
         "Delegations from Korvia and Samaran began three days of talks hosted by the River "
         "States Council. Hydrologists from both sides will meet separately on flow models.",
         ["Diplomacy", "Port Amsel talks"], "Milos Feren",
         ("port-amsel-table.jpg", "Delegations take their seats at the opening of the Port "
          "Amsel talks on Thursday.", "River States Council/J. Maren")),
        (27, "18:55", "Deal in principle: seven wet seasons to fill Tessen",
         "Korvia agreed to stretch the filling over seven rainy seasons and to guarantee a "
         "minimum release of 1,100 cubic metres a second at Kessel Bend, negotiators said.",
         ["Diplomacy", "Port Amsel talks", "Tessen Dam"], "Ana Petrova",
         ("handshake.jpg", "Foreign Ministers Aurel Dimanis and Layla Haddad shake hands "
          "after the announcement in Port Amsel.", "Basin Wire/Irena Volk")),
        (28, "10:20", "Third turbine at Tessen connected to the grid",
         "The national grid operator said unit 3 synchronised at 04:12 on Saturday, "
         "bringing the dam's output to 1.5 gigawatts.",
         ["Energy", "Tessen Dam"], "Katrin Lovas", None),
        (28, "15:45", "Drought clause becomes the sticking point",
         "Officials on both sides say the draft is silent on what happens when the highland "
         "rains fail two years running. Samaran wants the minimum release to hold; Korvia "
         "wants it to shrink with inflows.",
         ["Diplomacy", "Port Amsel talks"], "Milos Feren", None),
        (29, "08:30", "Talks resume as envoy says sides are 'closer than ever'",
         "Ingrid Halvorsen said negotiators had exchanged drafts of the drought clause "
         "overnight and would meet again on Sunday afternoon.",
         ["Diplomacy", "Port Amsel talks"], "Ana Petrova",
         ("halvorsen-sunday.jpg", "Ingrid Halvorsen talks to reporters outside the "
          "conference centre in Port Amsel on Sunday.", "Basin Wire")),
    ])

TRIBUNE = dict(
    key="samaran-tribune", title="Samaran Tribune", tz=3,
    site="https://tribune.samaran.example/",
    feed="https://tribune.samaran.example/miral/atom.xml",
    desc="Samaran's English-language daily, from Nuwayra.",
    lang="en", section="Developments", fmt="atom10", file="samaran-tribune.atom",
    items=[
        (20, "12:30", "Korvia starts filling Tessen reservoir without notice, Nuwayra says",
         "The Irrigation Ministry said it learned of the gate closures from satellite "
         "images, not from Drevna, and called the move a breach of trust.",
         ["Water", "Korvia"], "Rania Khoury", None),
        (21, "09:10", "Flow at Nuwayra gauge drops 28 percent in a day",
         "Irrigation Minister Youssef al-Amiri said the river at the capital fell from "
         "1,540 to 1,110 cubic metres a second between Friday and Saturday morning.",
         ["Water", "Data"], "David Mensah",
         ("nuwayra-gauge.jpg", "Exposed mud banks below the Nuwayra gauging station on "
          "Saturday morning.", "Samaran Tribune/Hadi Nasser")),
        (21, "20:00", "President al-Nasiri: 'Water is a matter of survival'",
         "In a speech to the National Council, President Karim al-Nasiri said Samaran "
         "would use 'every lawful means' to protect its share of the Miral.",
         ["Politics", "Presidency"], "Rania Khoury", None),
        (22, "11:25", "Delta farmers march in Bir Sahla as wheat planting stalls",
         "Several thousand farmers marched to the governor's office demanding canal "
         "releases. The farmers' union says 40 percent of delta fields are still unsown.",
         ["Agriculture", "Protests"], "Salma Idris",
         ("bir-sahla-march.jpg", "Farmers carry empty irrigation buckets through Bir "
          "Sahla on Sunday.", "Basin Wire/Kamal Sabri")),
        (23, "08:40", "Zahran begins water rationing in outer districts",
         "The city utility will cut supply to eleven districts from 10 p.m. to 5 a.m. and "
         "said tankers would serve hospitals and schools.",
         ["Water", "Zahran"], "David Mensah", None),
        (23, "17:15", "Explainer: what the 2019 Miral framework says, and doesn't",
         "The framework sets a minimum flow but no filling timetable and no way to settle "
         "disputes. Both governments now cite it for opposite conclusions.",
         ["Explainer", "Diplomacy"], "Rania Khoury", None),
        (24, "14:00", "Scientists warn of salt creeping up the delta",
         "Readings at the Qasr al-Milh station show salinity at three times the level of "
         "last November, as the weaker river lets seawater push inland.",
         ["Environment", "Agriculture"], "Salma Idris",
         ("salinity-probe.jpg", "A technician takes a salinity reading in a canal near "
          "Qasr al-Milh.", "Samaran Tribune/Hadi Nasser")),
        (25, "10:50", "Halvorsen meets al-Nasiri, promises 'a schedule both can live with'",
         "The council's envoy spent two hours at the Presidential Palace and later met "
         "farmers' union leader Salim Bou Khalil.",
         ["Diplomacy", "River States Council"], "Rania Khoury",
         ("halvorsen-palace.jpg", "Envoy Ingrid Halvorsen arrives at the Presidential "
          "Palace in Nuwayra.", "Presidency of Samaran")),
        (26, "09:35", "Haddad leads Samaran delegation to Port Amsel",
         "Foreign Minister Layla Haddad said Samaran came 'to sign, not to talk', with a "
         "proposal for a ten-season filling and a joint monitoring body.",
         ["Diplomacy", "Port Amsel talks"], "David Mensah", None),
        (27, "19:30", "Samaran welcomes minimum-release guarantee, wary of details",
         "Officials called the 1,100 cubic metre floor 'a real gain' but said the text "
         "must say who measures it and what happens in a drought.",
         ["Diplomacy", "Port Amsel talks"], "Rania Khoury", None),
        (28, "12:05", "Opposition leader Farouk rejects 'a deal written upstream'",
         "Nadia Farouk of the Wafa bloc said the agreement locked in Korvian control of "
         "the river and called for protests in Nuwayra on Monday.",
         ["Politics", "Opposition"], "David Mensah", None),
        (28, "18:20", "Fishermen on Lake Hamra report first fish die-off",
         "Dead tilapia washed up along the northern shore, where warm shallow water has "
         "lost oxygen, the Fisheries Authority said.",
         ["Environment", "Fisheries"], "Salma Idris",
         ("lake-hamra.jpg", "Fishermen sort their catch on the shore of Lake Hamra.",
          "Basin Wire/Kamal Sabri")),
        (29, "09:00", "Samaran pound firms as markets bet on a Miral agreement",
         "The currency rose 1.4 percent against the dollar in early trade, its best day "
         "since August, as investors priced in a deal.",
         ["Economy", "Markets"], "David Mensah", None),
    ])

WIRE = dict(
    key="basin-wire", title="Basin Wire", tz=0,
    site="https://basinwire.example/",
    feed="https://basinwire.example/rss/miral.xml",
    desc="Regional news agency. Miral River dispute: all stories.",
    lang="en", section="Developments", fmt="rss20", file="basin-wire.xml",
    items=[
        (20, "06:02", "FLASH: Korvia begins second filling of Tessen Dam reservoir",
         "Korvia began the second stage of filling the reservoir behind the Tessen Dam on "
         "Friday, the Energy Ministry said in a statement.",
         ["Tessen Dam"], "Basin Wire staff", None),
        (20, "14:48", "Samaran protests dam filling, summons envoy",
         "Samaran summoned Korvia's ambassador on Friday and accused its upstream neighbour "
         "of acting alone on a river that 31 million people depend on.",
         ["Diplomacy"], "Kamal Sabri",
         ("ministry-nuwayra.jpg", "The Foreign Ministry building in Nuwayra.",
          "Basin Wire/Kamal Sabri")),
        (21, "07:30", "Miral flow falls sharply at Samaran border: data",
         "Readings published by Samaran's Irrigation Ministry showed the river at Kessel "
         "Bend 26 percent lower than a week earlier.",
         ["Data", "Water"], "Irena Volk", None),
        (21, "16:12", "River States Council urges restraint, offers mediation",
         "Secretary-General Jonas Achterberg said the council stood ready to host talks "
         "'within days' and asked both capitals to avoid 'steps that cannot be undone'.",
         ["Diplomacy", "River States Council"], "Basin Wire staff", None),
        (22, "13:05", "Thousands of farmers protest in Samaran's Miral Delta",
         "Farmers marched in Bir Sahla and two other delta towns on Sunday, demanding water "
         "for the winter wheat crop.",
         ["Agriculture", "Protests"], "Kamal Sabri",
         ("delta-protest.jpg", "Farmers protest in Bir Sahla, in Samaran's Miral Delta, on "
          "Sunday.", "Basin Wire/Kamal Sabri")),
        (22, "18:40", "Korvian PM promises daily reservoir data",
         "Prime Minister Marta Vask said Korvia would publish the reservoir level and "
         "releases every morning from Monday.",
         ["Tessen Dam", "Data"], "Irena Volk", None),
        (23, "10:22", "Council appoints Ingrid Halvorsen as Miral envoy",
         "The River States Council named its former hydrology director as special envoy "
         "and said talks would open in Port Amsel on Thursday.",
         ["Diplomacy", "River States Council"], "Basin Wire staff", None),
        (23, "15:55", "Samaran's second city rations water",
         "Zahran cut night-time supply to about 600,000 residents as intake pumps on the "
         "Miral struggled with low water.",
         ["Water", "Zahran"], "Kamal Sabri",
         ("zahran-tanker.jpg", "Residents fill containers from a municipal tanker in "
          "Zahran's al-Nur district.", "Basin Wire/Kamal Sabri")),
        (24, "12:18", "Satellite images show Tessen reservoir up 4 metres in five days",
         "Images analysed by the independent Basin Observatory show the lake's surface "
         "spreading into three side valleys.",
         ["Tessen Dam", "Data"], "Irena Volk",
         ("satellite.jpg", "Satellite image of the Tessen reservoir taken on 24 November.",
          "Basin Observatory")),
        (25, "09:47", "Envoy meets Samaran president, farmers' leaders",
         "Ingrid Halvorsen met President Karim al-Nasiri in Nuwayra and said both sides "
         "wanted an agreement 'before the planting season is lost'.",
         ["Diplomacy"], "Kamal Sabri", None),
        (26, "08:05", "Miral talks open in Port Amsel",
         "Korvian and Samarani delegations began talks on a filling schedule for the "
         "Tessen Dam under River States Council auspices.",
         ["Diplomacy", "Port Amsel talks"], "Basin Wire staff",
         ("port-amsel.jpg", "The conference centre in Port Amsel where the talks are held.",
          "Basin Wire/Irena Volk")),
        (26, "17:30", "Development fund offers $1.2 billion for Miral irrigation",
         "The Basin Development Fund said it would finance canal lining and drip irrigation "
         "in both countries if they agree a filling schedule.",
         ["Economy", "Agriculture"], "Irena Volk", None),
        (27, "16:58", "Korvia, Samaran agree in principle on dam filling schedule",
         "The two sides agreed to fill the reservoir over seven rainy seasons with a "
         "guaranteed minimum flow, envoy Halvorsen said. A final text is expected within "
         "days.",
         ["Diplomacy", "Port Amsel talks", "Tessen Dam"], "Irena Volk",
         ("agreement.jpg", "Envoy Ingrid Halvorsen announces the agreement in principle in "
          "Port Amsel.", "Basin Wire/Irena Volk")),
        (27, "21:10", "Factbox: what the Miral agreement in principle contains",
         "Seven-season filling, a floor of 1,100 cubic metres a second at Kessel Bend, a "
         "joint monitoring station, and a panel of experts to settle disputes.",
         ["Factbox", "Diplomacy"], "Basin Wire staff", None),
        (28, "11:40", "Drought provisions hold up final Miral text",
         "Negotiators are divided over whether the minimum release should fall in dry "
         "years, three people familiar with the talks said.",
         ["Diplomacy", "Port Amsel talks"], "Irena Volk", None),
        (29, "07:15", "Miral talks resume with drafts exchanged overnight",
         "Delegations returned to the table on Sunday after swapping new wording on "
         "drought years, envoy Ingrid Halvorsen said.",
         ["Diplomacy", "Port Amsel talks"], "Basin Wire staff", None),
    ])

LEDGER = dict(
    key="diplomatic-ledger", title="The Diplomatic Ledger", tz=1,
    site="https://ledger.example/",
    feed="https://ledger.example/miral/feed.json",
    desc="Analysis of negotiations and treaties. The Miral file.",
    lang="en", section="Diplomacy", fmt="json11", file="diplomatic-ledger.json",
    items=[
        (20, "20:00", "Why Korvia moved now: the politics behind the Tessen filling",
         "With a budget vote in January and power imports at record prices, Drevna had "
         "every reason to start filling before the talks it knew were coming.",
         ["Analysis", "Korvia"], "Hannah Okoro", "why-now.jpg"),
        (21, "18:30", "The 2019 framework was built for wet years",
         "Its drafters assumed the highland rains would hold. The clause everyone now "
         "quotes was never tested in a drought.",
         ["Analysis", "Treaties"], "Peter Lindqvist", None),
        (22, "12:00", "Five things to watch as the Council steps in",
         "Who the envoy is, where the talks sit, whether data is shared, what the fund "
         "offers, and whether either parliament gets a veto.",
         ["Briefing"], "Hannah Okoro", None),
        (23, "16:45", "Profile: Ingrid Halvorsen, the hydrologist turned mediator",
         "She wrote the Council's flow models before she ran its hydrology office. "
         "Colleagues say she trusts gauges more than communiqués.",
         ["Profile", "River States Council"], "Peter Lindqvist", "halvorsen-profile.jpg"),
        (24, "19:10", "Data as diplomacy: Korvia's gauge offer is more than a gesture",
         "Live readings from the three gauges would give Samaran what it has asked for "
         "since 2016, and make any breach visible within hours.",
         ["Analysis", "Data"], "Hannah Okoro", None),
        (25, "21:00", "In Nuwayra, al-Nasiri's room to compromise is shrinking",
         "With rationing in Zahran and farmers in the streets, the president needs a number "
         "he can show the delta, not a process.",
         ["Analysis", "Samaran"], "Peter Lindqvist", None),
        (26, "18:20", "Port Amsel, day one: long tables, short statements",
         "Our correspondent's notes from the opening session, where the hydrologists "
         "talked for four hours and the ministers for ten minutes.",
         ["Notebook", "Port Amsel talks"], "Hannah Okoro", None),
        (27, "22:30", "Read the room: what 'agreement in principle' does and doesn't mean",
         "The numbers are agreed; the mechanism is not. History suggests the second half "
         "of a water deal takes longer than the first.",
         ["Analysis", "Port Amsel talks"], "Peter Lindqvist", None),
        (28, "14:15", "The drought clause, explained with three dry years",
         "We ran the draft's two competing formulas against the inflows of 1998 to 2000. "
         "The difference at Kessel Bend is a third of the river.",
         ["Data", "Explainer"], "Hannah Okoro", "drought-chart.png"),
        (28, "20:40", "Precedents: how other basins wrote their drought rules",
         "Proportional sharing, fixed floors and seasonal banking each have a record. "
         "None of them was agreed in a week.",
         ["Analysis", "Treaties"], "Peter Lindqvist", None),
        (29, "10:00", "Sunday in Port Amsel: the envoy's last push",
         "Halvorsen has set no deadline, but both delegations have booked flights home "
         "for Tuesday.",
         ["Notebook", "Port Amsel talks"], "Hannah Okoro", None),
    ])

COUNCIL = dict(
    key="river-states-council", title="River States Council: Press Releases", tz=1,
    site="https://press.riverstates.example/",
    feed="https://press.riverstates.example/releases.rdf",
    desc="Official statements of the River States Council secretariat.",
    lang="en", section="Diplomacy", fmt="rss10", file="river-states-council.rdf",
    items=[
        (20, "19:00", "Statement by the Secretary-General on the Miral River",
         "The Secretary-General has taken note of the start of a new filling stage at the "
         "Tessen Dam and calls on both riparian states to exchange data without delay.",
         ["Statement"], "Office of the Secretary-General", None),
        (21, "15:00", "Council stands ready to convene Miral consultations",
         "The secretariat has offered its good offices to Korvia and Samaran and proposes "
         "consultations at the earliest possible date.",
         ["Statement"], "Press Office", None),
        (23, "09:30", "Appointment of Ms. Ingrid Halvorsen as Special Envoy for the Miral",
         "The Secretary-General has appointed Ingrid Halvorsen as Special Envoy to "
         "facilitate an agreement on the filling and operation of the Tessen Dam.",
         ["Appointment"], "Office of the Secretary-General", None),
        (23, "18:00", "Consultations to be held in Port Amsel from 26 November",
         "Both governments have accepted the invitation. Technical and ministerial "
         "sessions will take place at the Amsel Conference Centre.",
         ["Media advisory"], "Press Office", None),
        (24, "20:00", "Special Envoy concludes visit to Drevna",
         "The Special Envoy held talks with the Prime Minister and the Ministers of Foreign "
         "Affairs and Energy, and welcomed Korvia's offer to share gauge data.",
         ["Special Envoy"], "Press Office", None),
        (25, "20:30", "Special Envoy concludes visit to Nuwayra",
         "The Special Envoy was received by the President and met representatives of "
         "farmers' organisations in the Miral Delta.",
         ["Special Envoy"], "Press Office", None),
        (26, "10:00", "Opening remarks of the Special Envoy at the Port Amsel consultations",
         "'The river does not read treaties. It responds to rain, to gates and to "
         "decisions. Let us make good ones.'",
         ["Speech"], "Office of the Special Envoy", None),
        (27, "18:00", "Joint statement on the outcome of the Port Amsel consultations",
         "The parties have reached an understanding in principle on a filling schedule, a "
         "minimum release and joint monitoring, and will continue work on a final text.",
         ["Joint statement"], "Office of the Special Envoy", None),
        (28, "17:00", "Basin Development Fund and Council sign cooperation note",
         "The note sets out how financing for irrigation efficiency will follow a final "
         "agreement between the parties.",
         ["Statement"], "Press Office", None),
        (29, "12:00", "Media advisory: consultations continue on 29 November",
         "Technical sessions resume at 14:00. The Special Envoy will brief the press at the "
         "end of the day.",
         ["Media advisory"], "Press Office", None),
    ])

# Arabic outlets. The Al-Miral text keeps a few words with their diacritics
# (e.g. الطَّمْي, "the silt") so search can be tested on the bare form.
ALMIRAL = dict(
    key="almiral-daily", title="صحيفة الميرال", tz=3,
    site="https://almiral.example/",
    feed="https://almiral.example/rss/nahr.xml",
    desc="صحيفة يومية تصدر في نويرة — ملف نهر الميرال",
    lang="ar", section="Regional Press", fmt="rss20", file="almiral-daily.xml",
    items=[
        (20, "13:10", "كورفيا تبدأ المرحلة الثانية من ملء خزان سد تيسن",
         "أعلنت وزارة الطاقة الكورفية إغلاق بوابات السد جزئياً صباح الجمعة، في خطوة "
         "وصفتها نويرة بأنها أحادية الجانب.",
         ["سد تيسن", "كورفيا"], "سامي العطار",
         ("tessen-ar.jpg", "بوابات سد تيسن على نهر الميرال", "وكالة باسن واير")),
        (20, "21:00", "الخارجية تستدعي السفير الكورفي وتطالب بتوضيحات",
         "قالت وزيرة الخارجية ليلى حداد إن سمران لن تقبل بسياسة الأمر الواقع على نهر "
         "يعيش عليه الملايين.",
         ["دبلوماسية"], "منى الخطيب", None),
        (21, "10:30", "منسوب النهر عند نويرة يتراجع بنسبة ٢٨٪",
         "أظهرت قراءات وزارة الري انخفاض التدفق من ١٥٤٠ إلى ١١١٠ متراً مكعباً في الثانية "
         "خلال يوم واحد.",
         ["مياه", "بيانات"], "سامي العطار", None),
        (22, "12:45", "مزارعو الدلتا يتظاهرون في بئر سهلة",
         "خرج آلاف المزارعين مطالبين بإطلاق المياه في الترع بعد أن تأخرت زراعة القمح في "
         "نحو أربعين في المئة من الحقول.",
         ["زراعة", "احتجاجات"], "منى الخطيب",
         ("bir-sahla-ar.jpg", "مزارعون يحملون دلاءً فارغة في بئر سهلة",
          "صحيفة الميرال/هادي ناصر")),
        (23, "09:20", "زهران تبدأ تقنين المياه ليلاً في أحد عشر حياً",
         "قالت شركة المياه إن الصهاريج ستخدم المستشفيات والمدارس خلال ساعات الانقطاع.",
         ["مياه", "زهران"], "سامي العطار", None),
        (23, "19:40", "السَّدّ والدلتا: كيف يحرم الخزانُ الأرضَ من الطَّمْي",
         "يحذّر علماء التربة من أن حجز الطَّمْي خلف السَّدّ سيُضعف خصوبة أراضي الدلتا "
         "على المدى الطويل، حتى لو عادت المياه.",
         ["بيئة", "زراعة"], "د. رامي الحلبي", None),
        (24, "15:00", "الملوحة تزحف نحو قلب الدلتا",
         "سجلت محطة قصر الملح مستويات ملوحة تعادل ثلاثة أضعاف قراءات نوفمبر الماضي.",
         ["بيئة"], "منى الخطيب", None),
        (25, "11:15", "المبعوثة هالفورسن في القصر الرئاسي",
         "التقى الرئيس كريم الناصري مبعوثة مجلس دول النهر إنغريد هالفورسن، وأكد أن "
         "المياه مسألة بقاء.",
         ["دبلوماسية", "الرئاسة"], "سامي العطار",
         ("palace-ar.jpg", "الرئيس الناصري يستقبل المبعوثة هالفورسن في نويرة",
          "رئاسة الجمهورية")),
        (26, "10:05", "انطلاق مفاوضات بورت أمسل بمشاركة الفرق الفنية",
         "تترأس الوزيرة ليلى حداد وفد سمران الذي يقترح ملء الخزان على عشرة مواسم وإنشاء "
         "هيئة مراقبة مشتركة.",
         ["دبلوماسية", "مفاوضات بورت أمسل"], "منى الخطيب", None),
        (27, "20:10", "اتفاق مبدئي: ملء الخزان على سبعة مواسم وحد أدنى للتدفق",
         "اتفق الطرفان على ضمان تدفق لا يقل عن ١١٠٠ متر مكعب في الثانية عند منعطف كيسل، "
         "بحسب المبعوثة هالفورسن.",
         ["دبلوماسية", "مفاوضات بورت أمسل"], "سامي العطار",
         ("agreement-ar.jpg", "الوزيرة ليلى حداد ونظيرها الكورفي بعد الإعلان",
          "وكالة باسن واير")),
        (28, "13:30", "المعارضة ترفض «اتفاقاً كُتب في أعالي النهر»",
         "دعت زعيمة كتلة الوفاء نادية فاروق إلى التظاهر في نويرة يوم الاثنين.",
         ["سياسة", "المعارضة"], "منى الخطيب", None),
        (29, "09:40", "بند الجفاف يؤخر النص النهائي",
         "تتمسك سمران بثبات الحد الأدنى للتدفق في سنوات الجفاف، بينما تريد كورفيا ربطه "
         "بكمية الأمطار.",
         ["دبلوماسية", "مفاوضات بورت أمسل"], "سامي العطار", None),
    ])

SAWT = dict(
    key="sawt-samaran", title="صوت سمران", tz=3,
    site="https://sawt-samaran.example/",
    feed="https://sawt-samaran.example/feed/miral.xml",
    desc="أخبار سمران والمنطقة",
    lang="ar", section="Regional Press", fmt="rss20-1256", file="sawt-samaran.xml",
    items=[
        (20, "15:20", "غضب رسمي وشعبي بعد بدء ملء سد تيسن",
         "عبّر نواب ومزارعون عن قلقهم من تراجع حصة سمران من مياه الميرال.",
         ["أخبار محلية"], "هشام الدباغ", None),
        (21, "12:00", "وزير الري: نراقب التدفق ساعة بساعة",
         "قال يوسف العامري إن الوزارة فتحت غرفة عمليات لمتابعة منسوب النهر وتوزيع المياه "
         "على الترع.",
         ["مياه"], "ليلى عمران", None),
        (22, "16:30", "نقابة الفلاحين: موسم القمح في خطر",
         "قال رئيس النقابة سليم بوخليل إن التأخير في الري قد يخفض المحصول بالربع.",
         ["زراعة"], "هشام الدباغ", None),
        (23, "13:00", "مجلس دول النهر يعيّن مبعوثة خاصة",
         "رحبت الحكومة بتعيين إنغريد هالفورسن وقالت إنها تنتظر أفعالاً لا أقوالاً.",
         ["دبلوماسية"], "ليلى عمران", None),
        (24, "18:15", "صيادو بحيرة الحمراء يخشون على رزقهم",
         "تراجع مستوى البحيرة أكثر من متر خلال أسبوع، وبدأت قوارب الصيد تعلق في الوحل.",
         ["بيئة", "صيد"], "هشام الدباغ", None),
        (25, "22:00", "الناصري: لن نفرّط في قطرة من حقنا",
         "أكد الرئيس في كلمة متلفزة أن سمران ستلجأ إلى كل الوسائل المشروعة.",
         ["الرئاسة"], "ليلى عمران", None),
        (26, "12:40", "ماذا تحمل الوزيرة حداد إلى بورت أمسل؟",
         "مصادر دبلوماسية: الوفد يحمل خرائط تدفق لعشرين عاماً ومقترحاً لهيئة مراقبة "
         "مشتركة.",
         ["دبلوماسية"], "هشام الدباغ", None),
        (27, "21:30", "ارتياح حذر في الشارع بعد الاتفاق المبدئي",
         "رحب مزارعون في الدلتا بضمان الحد الأدنى للتدفق، لكنهم قالوا إنهم سينتظرون "
         "وصول المياه إلى حقولهم.",
         ["أخبار محلية"], "ليلى عمران", None),
        (28, "15:10", "الجنيه السمراني يرتفع مع أنباء الاتفاق",
         "سجلت العملة أفضل أداء يومي منذ أغسطس في تعاملات البورصة.",
         ["اقتصاد"], "هشام الدباغ", None),
        (29, "11:30", "استئناف المفاوضات وسط تفاؤل المبعوثة",
         "قالت هالفورسن إن الطرفين «أقرب من أي وقت مضى» إلى نص نهائي.",
         ["دبلوماسية"], "ليلى عمران", None),
    ])

OUTLETS = [HERALD, TRIBUNE, WIRE, LEDGER, COUNCIL, ALMIRAL, SAWT]


def host(o):
    return o["site"].rstrip("/")


def item_url(o, it):
    day, hhmm, title = it[0], it[1], it[2]
    s = slug(title) or "item-%d%s" % (day, hhmm.replace(":", ""))
    if o["lang"] == "ar":
        s = "miral-%d-%s" % (day, hhmm.replace(":", ""))
    return "%s/2026/11/%02d/%s" % (host(o), day, s)


# The demo's fixture server (demo/serve.py, started by scripts/demo.sh)
# serves feeds/ and photos/ here, so `make demo` fetches the feeds and their
# photos through the real fetch path. The photos are twelve invented scenes
# drawn by demo/make_photos.py; each item's photo is the scene that fits it.
DEMO_SERVER = "http://127.0.0.1:8089"
PHOTO_SCENE = {
    "tessen-spillway.jpg": "dam", "tessen-ar.jpg": "dam",
    "brandt-parliament.jpg": "palace", "halvorsen-palace.jpg": "palace",
    "palace-ar.jpg": "palace", "vask-address.jpg": "city",
    "halvorsen-drevna.jpg": "city", "ministry-nuwayra.jpg": "city",
    "vel-orna.jpg": "flood", "port-amsel-table.jpg": "conference",
    "handshake.jpg": "conference", "agreement.jpg": "conference",
    "agreement-ar.jpg": "conference", "halvorsen-sunday.jpg": "harbour",
    "port-amsel.jpg": "harbour", "nuwayra-gauge.jpg": "drought",
    "zahran-tanker.jpg": "drought", "bir-sahla-march.jpg": "delta",
    "delta-protest.jpg": "delta", "bir-sahla-ar.jpg": "delta",
    "salinity-probe.jpg": "canal", "lake-hamra.jpg": "lake",
    "satellite.jpg": "satellite", "why-now.jpg": "valley",
    "halvorsen-profile.jpg": "valley", "drought-chart.png": "satellite",
}


def feed_url(o, local=False):
    return "%s/feeds/%s" % (DEMO_SERVER, o["file"]) if local else o["feed"]


def photo_url(o, name, thumb=False):
    scene = PHOTO_SCENE[name]
    ext = "png" if scene == "satellite" else "jpg"
    return "%s/photos/%s%s.%s" % (DEMO_SERVER, "thumb-" if thumb else "", scene, ext)


def media_xml(o, photo, indent):
    name, caption, credit = photo
    kind = "image/png" if photo_url(o, name).endswith(".png") else "image/jpeg"
    return (f'{indent}<media:content url={quoteattr(photo_url(o, name))} '
            f'medium="image" type="{kind}" width="720" height="480">\n'
            f'{indent}  <media:description type="plain">{escape(caption)}</media:description>\n'
            f'{indent}  <media:credit role="photographer">{escape(credit)}</media:credit>\n'
            f'{indent}</media:content>\n'
            f'{indent}<media:thumbnail url={quoteattr(photo_url(o, name, True))} '
            f'width="300" height="200"/>\n')


def rss20(o, encoding="utf-8"):
    last = max(when(i[0], i[1], o["tz"]) for i in o["items"])
    out = [f'<?xml version="1.0" encoding="{encoding}"?>\n',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"\n'
           '     xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '     xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n',
           f'  <title>{escape(o["title"])}</title>\n',
           f'  <link>{escape(o["site"])}</link>\n',
           f'  <atom:link rel="self" type="application/rss+xml" href={quoteattr(o["feed"])}/>\n',
           f'  <description>{escape(o["desc"])}</description>\n',
           f'  <language>{o["lang"]}</language>\n',
           f'  <lastBuildDate>{rfc822(last)}</lastBuildDate>\n',
           '  <ttl>15</ttl>\n']
    for it in sorted(o["items"], key=lambda i: (i[0], i[1]), reverse=True):
        day, hhmm, title, summary, cats, author, photo = it
        url = item_url(o, it)
        out.append("  <item>\n")
        out.append(f"    <title>{escape(title)}</title>\n")
        out.append(f"    <link>{escape(url)}</link>\n")
        out.append(f'    <guid isPermaLink="true">{escape(url)}</guid>\n')
        out.append(f"    <pubDate>{rfc822(when(day, hhmm, o['tz']))}</pubDate>\n")
        out.append(f"    <dc:creator>{escape(author)}</dc:creator>\n")
        for c in cats:
            out.append(f"    <category>{escape(c)}</category>\n")
        out.append(f"    <description>{escape('<p>' + escape(summary) + '</p>')}</description>\n")
        if photo:
            out.append(media_xml(o, photo, "    "))
        out.append("  </item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom10(o):
    last = max(when(i[0], i[1], o["tz"]) for i in o["items"])
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           f'<feed xmlns="http://www.w3.org/2005/Atom" '
           f'xmlns:media="http://search.yahoo.com/mrss/" xml:lang="{o["lang"]}">\n',
           f'  <title>{escape(o["title"])}</title>\n',
           f'  <subtitle>{escape(o["desc"])}</subtitle>\n',
           f'  <link rel="alternate" type="text/html" href={quoteattr(o["site"])}/>\n',
           f'  <link rel="self" type="application/atom+xml" href={quoteattr(o["feed"])}/>\n',
           f'  <id>tag:tribune.samaran.example,2026:miral</id>\n',
           f'  <updated>{rfc3339(last)}</updated>\n',
           '  <rights>© 2026 Samaran Tribune</rights>\n']
    for it in sorted(o["items"], key=lambda i: (i[0], i[1]), reverse=True):
        day, hhmm, title, summary, cats, author, photo = it
        url = item_url(o, it)
        t = rfc3339(when(day, hhmm, o["tz"]))
        out.append("  <entry>\n")
        out.append(f"    <title>{escape(title)}</title>\n")
        out.append(f'    <link rel="alternate" href={quoteattr(url)}/>\n')
        out.append(f"    <id>tag:tribune.samaran.example,2026-11-{day:02d}:{slug(title)}</id>\n")
        out.append(f"    <published>{t}</published>\n")
        out.append(f"    <updated>{t}</updated>\n")
        out.append(f"    <author><name>{escape(author)}</name></author>\n")
        for c in cats:
            out.append(f"    <category term={quoteattr(c)}/>\n")
        out.append(f'    <summary type="html">{escape("<p>" + escape(summary) + "</p>")}</summary>\n')
        if photo:
            out.append(media_xml(o, photo, "    "))
        out.append("  </entry>\n")
    out.append("</feed>\n")
    return "".join(out)


def rss10(o):
    items = sorted(o["items"], key=lambda i: (i[0], i[1]), reverse=True)
    urls = [item_url(o, it) for it in items]
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
           '         xmlns="http://purl.org/rss/1.0/"\n'
           '         xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '         xmlns:atom="http://www.w3.org/2005/Atom">\n',
           f'  <channel rdf:about={quoteattr(o["feed"])}>\n',
           f'    <title>{escape(o["title"])}</title>\n',
           f'    <link>{escape(o["site"])}</link>\n',
           f'    <description>{escape(o["desc"])}</description>\n',
           f'    <atom:link rel="self" href={quoteattr(o["feed"])}/>\n',
           f'    <dc:language>{o["lang"]}</dc:language>\n',
           '    <items>\n      <rdf:Seq>\n']
    for u in urls:
        out.append(f'        <rdf:li rdf:resource={quoteattr(u)}/>\n')
    out.append('      </rdf:Seq>\n    </items>\n  </channel>\n')
    for it, u in zip(items, urls):
        day, hhmm, title, summary, cats, author, photo = it
        out.append(f'  <item rdf:about={quoteattr(u)}>\n')
        out.append(f"    <title>{escape(title)}</title>\n")
        out.append(f"    <link>{escape(u)}</link>\n")
        out.append(f"    <description>{escape(summary)}</description>\n")
        out.append(f"    <dc:date>{rfc3339(when(day, hhmm, o['tz']))}</dc:date>\n")
        out.append(f"    <dc:creator>{escape(author)}</dc:creator>\n")
        for c in cats:
            out.append(f"    <dc:subject>{escape(c)}</dc:subject>\n")
        out.append("  </item>\n")
    out.append("</rdf:RDF>\n")
    return "".join(out)


def json11(o):
    items = []
    for it in sorted(o["items"], key=lambda i: (i[0], i[1]), reverse=True):
        day, hhmm, title, summary, cats, author, photo = it
        url = item_url(o, it)
        d = {
            "id": url,
            "url": url,
            "title": title,
            "summary": summary,
            "content_html": "<p>" + escape(summary) + "</p>",
            "date_published": rfc3339(when(day, hhmm, o["tz"])),
            "authors": [{"name": author}],
            "tags": cats,
            "language": o["lang"],
        }
        if photo:
            d["image"] = photo_url(o, photo)
        items.append(d)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": o["title"],
        "home_page_url": o["site"],
        "feed_url": o["feed"],
        "description": o["desc"],
        "language": o["lang"],
        "icon": host(o) + "/icon-512.png",
        "authors": [{"name": "The Diplomatic Ledger", "url": o["site"]}],
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def opml(local=False):
    """local: the feeds as served by the demo's fixture server."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           '<opml version="2.0">\n  <head>\n',
           '    <title>The Meridian Desk: Miral River sources%s</title>\n'
           % (" (demo server on 127.0.0.1:8089)" if local else ""),
           '    <dateCreated>Sun, 29 Nov 2026 06:00:00 GMT</dateCreated>\n',
           '  </head>\n  <body>\n']
    for section in ("Developments", "Diplomacy", "Regional Press"):
        out.append(f'    <outline text={quoteattr(section)}>\n')
        for o in OUTLETS:
            if o["section"] != section:
                continue
            out.append(f'      <outline type="rss" text={quoteattr(o["title"])} '
                       f'title={quoteattr(o["title"])} xmlUrl={quoteattr(feed_url(o, local))} '
                       f'htmlUrl={quoteattr(o["site"])} language="{o["lang"]}"/>\n')
        out.append('    </outline>\n')
    out.append('  </body>\n</opml>\n')
    return "".join(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    for o in OUTLETS:
        fmt = o["fmt"]
        path = os.path.join(OUT, o["file"])
        if fmt == "rss20":
            data = rss20(o).encode("utf-8")
        elif fmt == "rss20-1256":
            data = rss20(o, "windows-1256").encode("cp1256")
        elif fmt == "atom10":
            data = atom10(o).encode("utf-8")
        elif fmt == "rss10":
            data = rss10(o).encode("utf-8")
        elif fmt == "json11":
            data = json11(o).encode("utf-8")
        else:
            raise SystemExit("unknown format " + fmt)
        with open(path, "wb") as f:
            f.write(data)
        print("%-28s %-10s %2d items" % (o["file"], fmt, len(o["items"])))
    with open(os.path.join(HERE, "sources.opml"), "w", encoding="utf-8") as f:
        f.write(opml())
    with open(os.path.join(HERE, "sources-local.opml"), "w", encoding="utf-8") as f:
        f.write(opml(local=True))


if __name__ == "__main__":
    main()
