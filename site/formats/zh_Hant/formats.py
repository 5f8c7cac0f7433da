"""Numbers as Taiwan's government writes them: 49,443 (groups of three, comma). Django's own
zh_Hant formats group by four with no separator, so ``intcomma`` left 49443 as it was. Only
what differs from Django's zh_Hant is here; everything else falls through to it."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
