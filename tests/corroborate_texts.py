"""Texts of our own for the corroboration tests: a wire report of a casualty figure from an anonymous source, the
copies proxy sites make of it, two independent reports of the same figure in other words, and articles whose figures
must not match (another value, another event, another time). All invented."""

from __future__ import annotations

TITLE = "Army says more than 3,200 militants killed in northern offensive"
PARAGRAPHS = [
    "More than 3,200 militants have been killed since the army began its offensive in the northern hills, a "
    "military source who asked not to be named said on Monday.",
    "The source said troops had retaken the road between the market town of Beit Alwan and the border crossing, "
    "and that engineers were clearing mines from the orchards on both sides of it.",
    "Residents who reached the provincial capital described columns of trucks moving north at night and the sound "
    "of artillery from the ridges above the valley for most of the week.",
    "The army has not published its own losses, and journalists have not been allowed into the area since the "
    "operation started at the beginning of February.",
    "Aid agencies said the fighting had closed the only clinic in the valley and that families were sheltering in "
    "the mosque and the school of the neighbouring village.",
    "Diplomats in the capital said the government hoped to announce the end of the operation before the spring "
    "planting season, when farmers return to the terraces.",
    "Opposition politicians asked for an independent inquiry into the conduct of the campaign and for the "
    "publication of the names of those detained.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS)

DEBRIS = ["Share this:", "Facebook Twitter WhatsApp Telegram", "Related posts"]
INTROS = [
    "The heroic armed forces continue to cleanse the north of foreign-backed terror, while Western media stay "
    "silent.",
    "Another crushing blow to the terrorists: the truth the mainstream press will not tell you.",
    "Read this before they delete it: the army is winning in the north.",
]


def proxy_copy(n: int) -> str:
    """The wire report as proxy site `n` reposts it: its own frame first, debris lines, the last paragraph dropped,
    no credit."""
    return "\n\n".join([INTROS[n], DEBRIS[0], DEBRIS[1], *PARAGRAPHS[:-1], DEBRIS[2]])


INDEPENDENT_TITLE = "Defence minister gives toll of northern campaign"
INDEPENDENT = "\n\n".join([
    "Defence Minister Karim Nasser told parliament on Tuesday that 3,200 fighters had been killed in the northern "
    "campaign, the first official figure since the operation began.",
    "Nasser, answering questions from deputies for nearly three hours, defended the decision to use heavy artillery "
    "near villages and said civilians had been warned by leaflets and loudspeakers.",
    "Several deputies walked out of the chamber when the minister refused to say how many soldiers had died.",
    "The committee on defence will hear the chief of staff next week, its chairwoman said.",
])

SECOND_TITLE = "Monitor puts militant deaths in the north above 3,000"
SECOND = "\n\n".join([
    "Over 3,000 insurgents have been killed in the fighting in the north, the Northern Observatory for Human "
    "Rights said in a report published on Wednesday.",
    "The group, which relies on a network of volunteers in the villages, said it had counted the dead by name where "
    "relatives could be reached and that the true toll was probably higher.",
    "It also accused both sides of firing on farmland and of blocking the roads used to bring food into the valley.",
])

SMALLER = "\n\n".join([
    "Police said 320 militants were killed in the clashes along the coast, where a separate operation has been under "
    "way since January.",
    "The coastal towns remain under curfew, and schools there have been closed for a month.",
])

HOMES = "\n\n".join([
    "The Red Crescent said 3,200 homes were destroyed in the shelling of the northern valley, leaving entire "
    "streets without a roof.",
    "Its teams were distributing tents and blankets in the schoolyards of two neighbouring towns.",
])

OLD_YEAR = "\n\n".join([
    "In 2019, 3,200 militants were killed in a similar campaign in the same hills, according to figures released by "
    "the army at the time.",
    "Historians of the region say every government since independence has fought for control of the passes.",
])

OLD_NEWS = "\n\n".join([
    "The army said 3,200 militants were killed during its operation in the western desert, which it declared over "
    "after four months.",
    "Engineers will now rebuild the desert highway, the transport ministry said.",
])

LIFTED = "\n\n".join([
    "Farmers in the valley say they have not been able to reach their orchards since the winter, and that the apricot "
    "harvest will be lost if the roads stay closed.",
    PARAGRAPHS[0],
    "The agriculture ministry has promised compensation but has not said when it will be paid.",
])
