"""Taiwan's 22 municipalities, counties and cities by their official code.

Codes are the Ministry of the Interior's administrative-division codes (行政區域代碼), the
``COUNTYCODE`` property of its open county-boundary data (data.gov.tw dataset 7442), which
the map's GeoJSON carries too. Names use the official 臺 (the boundary data writes 台).
"""

COUNTIES: dict[str, tuple[str, str]] = {
    "63000": ("臺北市", "Taipei City"),
    "65000": ("新北市", "New Taipei City"),
    "68000": ("桃園市", "Taoyuan City"),
    "66000": ("臺中市", "Taichung City"),
    "67000": ("臺南市", "Tainan City"),
    "64000": ("高雄市", "Kaohsiung City"),
    "10002": ("宜蘭縣", "Yilan County"),
    "10004": ("新竹縣", "Hsinchu County"),
    "10005": ("苗栗縣", "Miaoli County"),
    "10007": ("彰化縣", "Changhua County"),
    "10008": ("南投縣", "Nantou County"),
    "10009": ("雲林縣", "Yunlin County"),
    "10010": ("嘉義縣", "Chiayi County"),
    "10013": ("屏東縣", "Pingtung County"),
    "10014": ("臺東縣", "Taitung County"),
    "10015": ("花蓮縣", "Hualien County"),
    "10016": ("澎湖縣", "Penghu County"),
    "10017": ("基隆市", "Keelung City"),
    "10018": ("新竹市", "Hsinchu City"),
    "10020": ("嘉義市", "Chiayi City"),
    "09020": ("金門縣", "Kinmen County"),
    "09007": ("連江縣", "Lienchiang County"),
}

COUNTY_CHOICES = [(code, name_zh) for code, (name_zh, _name_en) in COUNTIES.items()]

# Spellings accepted in imports: the code, the official name, the name with 台, the English name.
_LOOKUP: dict[str, str] = {}
for _code, (_zh, _en) in COUNTIES.items():
    for _spelling in (_code, _zh, _zh.replace("臺", "台"), _en.lower()):
        _LOOKUP[_spelling] = _code

NATIONWIDE_WORDS = {"全國", "全國各縣市", "nationwide", "all"}


def county_code_for(text: str) -> str | None:
    """The county code for a code or a name (臺/台, English), or None if unknown."""
    text = (text or "").strip()
    return _LOOKUP.get(text) or _LOOKUP.get(text.lower())


def county_name(code: str) -> str:
    return COUNTIES.get(code, (code, code))[0]


def county_label(code: str) -> str:
    """The county's name in the reader's language: 臺北市, or Taipei City on English pages."""
    from minyi.home.dates import english_now

    name_zh, name_en = COUNTIES.get(code, (code, code))
    return name_en if english_now() else name_zh
