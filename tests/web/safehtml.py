"""Safety checks of rendered HTML, shared by http_test.py and
check_export.py: no script but JSON-LD data blocks, no event or style
attributes, no javascript:/data: URLs, no frames, objects or styles."""
import html.parser
import json

BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "srcset",
             "background", "cite", "xlink:href", "longdesc", "usemap"}
BAD_TAGS = {"iframe", "object", "embed", "style", "base", "frame",
            "frameset", "applet", "svg", "math", "link_unexpected"}


class SafeHTML(html.parser.HTMLParser):
    """Collects safety problems and same-origin links of one page."""

    def __init__(self, where, fragment=False):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.problems = []
        self.links = []
        self.in_script = None
        self.fragment = fragment

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            t = dict(attrs).get("type")
            if t != "application/ld+json" or self.fragment:
                self.problems.append("script element type=%r" % t)
            self.in_script = ""
        if tag in BAD_TAGS:
            self.problems.append("<%s> element" % tag)
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
            self.problems.append("meta http-equiv")
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append("event attribute %s=%r on <%s>" % (k, v, tag))
            if k == "style":
                self.problems.append("style attribute on <%s>" % tag)
            if k in URL_ATTRS and v:
                vv = "".join(ch for ch in v if ch > " ").lower()
                if vv.startswith(BAD_SCHEMES):
                    self.problems.append("%s=%r on <%s>" % (k, v, tag))
            if tag == "a" and k == "href" and v and v.startswith("/"):
                self.links.append(v)
            # no third-party requests: images only from the photo cache
            # (pages only: feeds out carry the outlets' own HTML)
            if not self.fragment and tag == "img" and k in ("src", "srcset") and not (
                    v or "").startswith("/media/"):
                self.problems.append("<img %s=%r> is not a local photo" % (k, v))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script is not None:
            try:
                json.loads(self.in_script)
            except ValueError as e:
                self.problems.append("JSON-LD does not parse: %s" % e)
            if "</" in self.in_script.lower():
                self.problems.append("JSON-LD contains '</'")
            self.in_script = None

    def handle_data(self, data):
        if self.in_script is not None:
            self.in_script += data



def problems(text, fragment=False):
    """(problems, same-origin links) of an HTML document or fragment."""
    p = SafeHTML("", fragment)
    p.feed(text)
    p.close()
    out = list(p.problems)
    for needle in ("<script>alert", "<b onmouseover", "<svg", "onerror="):
        if needle in text:
            out.append("raw %r in output" % needle)
    return out, p.links
