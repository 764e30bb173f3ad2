"""Short news texts written for newsprobe's actor and label tests (not taken from any outlet): one coalition under three
spellings and a translation, the labels outlets give it, and people who share a family name."""

from __future__ import annotations

WIRE = """Rebel alliance pushes toward Aleppo

The Army of Conquest, a coalition of Islamist rebel groups, said on Saturday that its fighters had reached the
southern edge of Aleppo. Army of Conquest fighters took two hills overnight, a spokesman said.

Opposition activists said the alliance had lost at least 40 men in the fighting. The rebels are demanding that the
government lift the siege of the eastern districts.
"""

AGENCY = """Army repels terrorist attack south of Aleppo

Syrian army units repelled an attack by Jaish al-Fatah militants on the Ramouseh area on Friday, a military source
said. Jaish al-Fatah is a coalition of terrorist groups backed by foreign states, the source added.

More than 300 militants were killed in the attack, the source said. The militants used car bombs and rockets, and
the terrorist groups have now withdrawn toward the countryside.
"""

DAILY = """Foreign fighters lead the assault

Residents of the city say Jaysh al-Fath mercenaries from abroad now lead the assault on the western districts.
Commanders of Jaysh al-Fath are foreign mercenaries who answer to their sponsors, one resident said.
"""

PEOPLE = """Two Clintons on the trail

Former President Bill Clinton campaigned in Ohio on Monday for Hillary Clinton, the Democratic nominee. Clinton told
the crowd that his wife was ready. Hillary Clinton spoke later in Florida.
"""

ARTICLES = [
    {"text": WIRE, "outlet": "wire.example", "published": "2016-08-27"},
    {"text": AGENCY, "outlet": "agency.example", "published": "2016-09-02"},
    {"text": DAILY, "outlet": "daily.example"},  # undated on purpose
    {"text": PEOPLE, "outlet": "wire.example", "published": "2016-10-03"},
]
