"""Texts of our own for the copy-detection tests: a wire report, the edits a proxy site makes to it, an independent
report of the same event (same names, places, figures and one shared quotation, different wording) and an
unrelated article. All invented; any resemblance to real reporting is the point of the exercise, not a source."""

from __future__ import annotations

TITLE = "Orontes floods force thousands from their homes in Hama"
PARAGRAPHS = [
    "Flooding along the Orontes River has forced more than 4,300 families from their homes in Hama province, the "
    "regional governor, Samir Haddad, said on Tuesday, as water levels rose for a third consecutive day.",
    "Haddad told a news conference in the provincial capital that twelve villages north of the Mahardeh dam were "
    "cut off and that rescue teams were using fishing boats to reach residents stranded on rooftops.",
    "\u201cWe have never seen the river climb this fast, and the rain is expected to continue until the end of the "
    "week,\u201d Haddad said, adding that engineers were inspecting the dam every six hours.",
    "The Syrian Arab Red Crescent said its volunteers had distributed blankets, drinking water and food parcels to "
    "about 1,900 people sheltering in schools in the towns of Suqaylabiyah and Kafr Nabudah.",
    "Farmers in the Ghab plain, one of the country's main wheat-growing areas, said the water had destroyed seed "
    "stocks that were meant for the autumn planting, and several asked the government for compensation.",
    "A hydrologist at the University of Hama, who asked not to be named, warned that the irrigation canals built in "
    "the 1960s could not carry the volume of water now coming down from the mountains.",
    "The health directorate said two children had drowned near the village of Tell Salhab on Monday evening and "
    "that clinics were preparing for cases of diarrhoea caused by contaminated wells.",
    "Officials said they would decide on Thursday whether to open the spillways of the Mahardeh dam, a step that "
    "would relieve pressure on the structure but could flood farmland further downstream.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS)

INTRO = ("While the mainstream media look away, ordinary Syrians are once again paying the price for years of "
         "neglect and foreign sanctions on the country's infrastructure.")
DEBRIS = ["Share this:", "Facebook Twitter WhatsApp Telegram", "Related posts", "Back to top button"]

SAME_EVENT_TITLE = "Hama governor: river flooding displaces 4,300 families"
SAME_EVENT = "\n\n".join([
    "Samir Haddad, the governor of Hama, put the number of displaced families at more than 4,300 on Tuesday, three "
    "days after the Orontes River burst its banks across the north of the province.",
    "Speaking to journalists, the governor described a dozen villages near the Mahardeh dam as isolated, with "
    "residents waiting on the roofs of their houses for boats to collect them.",
    "\u201cWe have never seen the river climb this fast, and the rain is expected to continue until the end of the "
    "week,\u201d Haddad told reporters.",
    "Aid workers from the Syrian Arab Red Crescent were handing out food, water and blankets in Suqaylabiyah and "
    "Kafr Nabudah, where some 1,900 people have taken refuge in school buildings.",
    "In Tell Salhab, two children drowned on Monday, according to local health officials, who also fear an "
    "outbreak of stomach illness from polluted wells.",
    "A decision on releasing water through the dam's spillways is expected on Thursday.",
])

OTHER_TITLE = "City council approves new tram line after two-year debate"
OTHER = "\n\n".join([
    "The city council voted on Wednesday to build a tram line between the railway station and the northern "
    "suburbs, ending a debate that has divided residents and shopkeepers for two years.",
    "The line will run for eleven kilometres and stop at fourteen stations, including the university campus and "
    "the new hospital, the transport department said in a statement.",
    "Opponents argued that the works would close the main shopping street for eighteen months and that buses could "
    "carry the same number of passengers at a fraction of the cost.",
    "Supporters said the tram would cut journey times by a third and reduce the traffic that clogs the ring road "
    "every morning, and pointed to similar lines opened in other cities over the past decade.",
    "Construction is due to start next spring, and the first trams are expected to carry passengers in four years, "
    "if the national government confirms its share of the funding.",
])


def proxy_copy(credit: str | None = None) -> str:
    """The original as a proxy site reposts it: a new frame first, debris lines, two paragraphs swapped, the last
    paragraph dropped, one word changed throughout, and optionally a credit line."""
    paras = PARAGRAPHS[:-1]
    paras[3], paras[5] = paras[5], paras[3]
    body = [INTRO, DEBRIS[0], DEBRIS[1], *paras, DEBRIS[2], DEBRIS[3]]
    if credit:
        body.insert(1, credit)
    return "\n\n".join(body).replace("residents", "inhabitants")


def lifted() -> tuple[str, int, int]:
    """The unrelated article with paragraphs 2 and 3 of the original lifted into its middle; returns the text and
    the character span of the lifted passage in it."""
    other = OTHER.split("\n\n")
    before = "\n\n".join(other[:2]) + "\n\n"
    passage = PARAGRAPHS[1] + "\n\n" + PARAGRAPHS[2]
    text = before + passage + "\n\n" + "\n\n".join(other[2:])
    return text, len(before), len(before) + len(passage)
