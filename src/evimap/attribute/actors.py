"""Who said it: abbreviations learned per document, people with role and affiliation, and claims.

A claim is (passage, actor, actor type, method, evidence span). Only text that supports a claim
produces one; "unknown" (no claim) is preferred to a guess. Methods, in the order tried:

- ``document``: the file is a statement by one speaker (UNGDC ``MAR_72_2017.txt``).
- ``label``: a speaker label before a quotation ("Canada: “…”").
- ``quote``: a quotation followed by its source in brackets ("“…” (ECA)").
- ``title``: a statement's title or heading ("Statement of Mr. X, Director, Y"; "GMG Statement at …";
  "… prepared by the GFMD"; "Chair's summary").
- ``speech``: the subject of a reporting verb ("X stressed/highlighted/called for …"), where the
  subject is a known actor, a person whose affiliation is known in this document, or "He"/"She"
  continuing the previous person's turn.
- ``presenter``: an agenda or document-list entry naming a person and their organisation, an SDG
  indicator update and its custodian, or a bullet citing a paper by its authoring bodies.
- ``section``: items following a line that names a body ("Economic Commission for Africa",
  "Co-facilitators' Summary:").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .gazetteer import COLLECTIVE, Entry, Gazetteer, Match, Organisation, Overlay, _tokens


@dataclass
class Claim:
    passage_id: str
    actor: str
    actor_type: str
    method: str
    evidence: str
    person: str | None = None


@dataclass
class Person:
    name: str
    role: str
    affiliation: str | None
    passage_id: str


_ORG_HEADS = re.compile(
    r"\b(?:Organi[sz]ation|Office|Commission|Network|Forum|Fund|Programme|Program|Agency|Institute|Centre|Center|"
    r"Association|Council|Union|Department|Ministry|Group|Bank|Committee|Partnership|University|Coalition|"
    r"Federation|Foundation|Mechanism|Alliance|Platform|Secretariat|Authority|Parliament|Assembly|Bureau|"
    r"Directorate|Observatory|Conference of|Community|Service|Services)\b")


_TYPE_CUES = [  # first match wins
    (r"\buniversit|\bacadem|\bresearch|\bschool of|\bcollege", "academia"),
    (r"\bparliament", "parliament"),
    (r"\bcity\b|\bcities\b|\bmunicipal|\bmayor|\blocal government", "local government"),
    (r"\bministry|\bministries|\bdepartment of|\bnational\b|\bgovernment|\bdirectorate|\bbureau", "Member State"),
    (r"\bunited nations\b|\bun\b", "UN entity"),
    (r"\bnetwork|\bcoalition|\bfoundation|\bassociation|\bcivil society|\bngo\b|\bforum\b|\bplatform", "civil society"),
    (r"\bchamber of commerce|\bemployers|\bbusiness|\bcompany|\bprivate sector|\bassociates\b", "private sector"),
]

# a research method, not a body, though its name holds a body's word: "Focus Group Discussions (FGDs)"
_METHOD_TAIL = re.compile(r"\b(?:Discussions?|Interviews?|Surveys?|Questionnaires?|Assessments?|Evaluations?|Reviews?|"
                          r"Analys[ie]s)$", re.I)


def _guess_type(name: str) -> str:
    """Actor type of a body learned from a document, from the words of its name."""
    n = name.lower()
    return next((t for cue, t in _TYPE_CUES if re.search(cue, n)), "unknown")


# each lookbehind below lets a try start only where a word starts: without it a long run of word
# characters is rescanned from each of its positions (quadratic in passage length)
_PAREN_ABBR_RE = re.compile(r"(?<![\w'’-])((?:[A-Z][\w'’-]*,?\s+(?:(?:of|the|and|for|on|in|to|against)\s+)*){1,12})\(\s*([A-Z][A-Za-z&-]{1,11}(?: [A-Z]{2,6})?)\s*\)")
_SMALL = {"of", "the", "and", "for", "on", "in", "to", "against"}


def _initials_fit(abbr: str, words: list[str]) -> int | None:
    """Index in ``words`` where an expansion of ``abbr`` starts, if the initials fit (None otherwise)."""
    letters = [c for c in abbr.removesuffix("s").upper() if c.isalpha()]  # "SDGs" -> S, D, G
    for start in range(len(words) - 1, -1, -1):
        w = words[start]
        if w.lower() in _SMALL or not w[0].upper() == letters[0]:
            continue
        caps = [x[0].upper() for x in words[start:] if x.lower() not in _SMALL]
        k = 0
        for c in caps:
            if k < len(letters) and c == letters[k]:
                k += 1
        if k >= max(2, int(len(letters) * 0.6 + 0.5)) and len(caps) <= len(letters) + 3:
            return start
    return None


def learn_abbreviations(texts: list[str], gaz: Gazetteer) -> tuple[Overlay, list[tuple[str, str, str]]]:
    """Abbreviations defined in a document: "Full Name (ABBR)" anywhere, and abbreviation lists
    ("EXPLANATORY NOTES … AU CRRF EU … African Union Comprehensive …", or one "ABBR Expansion" per line
    in an Abbreviations/Acronyms section). Returns (overlay for the matcher, [(abbr, expansion, actor id)])."""
    overlay = Overlay()
    found: list[tuple[str, str, str]] = []

    def register(abbr: str, expansion: str) -> None:
        abbr, expansion = abbr.strip(), " ".join(expansion.split()).strip(" ,;:")
        if not expansion or len(abbr) < 2:
            return
        known = gaz.lookup(expansion, overlay)
        if known is not None and known.kind == "org":
            if gaz.lookup(abbr, overlay) is None:
                overlay[_tokens(abbr)] = known
            found.append((abbr, expansion, known.code or ""))
            return
        if (known is not None or gaz.lookup(abbr, overlay) is not None or not _ORG_HEADS.search(expansion)
                or _METHOD_TAIL.search(expansion)):
            return  # a country, a known name, or not a body (programme names, frameworks, "Focus Group Discussions")
        overlay.organisations[abbr] = Organisation(abbr, _guess_type(expansion), [expansion], [abbr])
        entry = Entry("org", abbr, abbr)
        overlay[_tokens(abbr)] = entry
        overlay[_tokens(expansion)] = entry
        found.append((abbr, expansion, abbr))

    for text in texts:
        # the pattern tries up to 12 words at every capitalised word: a text without a "(" is not tried
        for m in (_PAREN_ABBR_RE.finditer(text) if "(" in text else ()):
            words = m.group(1).replace(",", " ").split()
            start = _initials_fit(m.group(2), words)
            if start is not None:
                register(m.group(2), " ".join(words[start:]))
        head = text[:40].upper()
        if head.startswith(("EXPLANATORY NOTES", "ABBREVIATIONS", "ACRONYMS", "LIST OF ABBREVIATIONS", "LIST OF ACRONYMS")):
            _abbreviation_list(text, register)
        else:
            m = re.match(r"^([A-Z][A-Z0-9&-]{1,9})\s+([A-Z][^\n]{3,120})$", text)
            if m and not _PAREN_ABBR_RE.search(text) and _initials_fit(m.group(1), m.group(2).split()) == 0:
                register(m.group(1), m.group(2))
    return overlay, found


def _abbreviation_list(text: str, register) -> None:
    """A run of abbreviations followed by the same number of expansions, aligned by initials."""
    words = text.split()
    abbrs: list[str] = []
    body = words
    # The list starts after the last colon of the lead-in ("… used in the present document:"), if any.
    for k, w in enumerate(words):
        if w.endswith(":"):
            body = words[k + 1:]
    j = 0
    while j < len(body) and re.fullmatch(r"[A-Z][A-Z0-9&-]*[A-Z]s?", body[j]):
        tok = body[j]
        if tok == "UN" and j + 1 < len(body) and body[j + 1].isupper():
            tok = f"UN {body[j + 1]}"
            j += 1
        abbrs.append(tok)
        j += 1
    rest = body[j:]
    pos = 0
    for n, abbr in enumerate(abbrs):
        letters = [c for c in abbr.removesuffix("s") if c.isalpha()]
        if pos >= len(rest):
            break
        # expansion runs from pos until the next word that can start the following abbreviation's expansion
        k = pos
        matched = 0
        nxt = abbrs[n + 1] if n + 1 < len(abbrs) else None
        while k < len(rest):
            w = rest[k]
            if (k > pos and nxt and w[:1] == nxt[0] and w[:1].isupper()
                    and (matched >= len(letters) or (k - pos >= len(letters) - 1 and matched < 0.6 * len(letters)))):
                break
            if w.lower() not in _SMALL:
                for part in w.split("-"):
                    if part and matched < len(letters) and part[0].upper() == letters[matched]:
                        matched += 1
            k += 1
        expansion = " ".join(rest[pos:k]).rstrip(" .")
        expansion = re.sub(r"\s+[ivxlc]+$", "", expansion)  # trailing page number
        if matched >= max(2, int(len(letters) * 0.6 + 0.5)):
            register(abbr, expansion)
        pos = k


# -- speech ------------------------------------------------------------------------------------------
_VERBS = (
    r"said|says|stated|states|stress(?:ed|es)|not(?:ed|es)|highlight(?:ed|s)|emphasi[sz](?:ed|es)|underlin(?:ed|es)|"
    r"underscor(?:ed|es)|recall(?:ed|s)|call(?:ed|s) (?:for|upon|on)|urg(?:ed|es)|welcom(?:ed|es)|express(?:ed|es)|"
    r"reaffirm(?:ed|s)|recogni[sz](?:ed|es)|acknowledg(?:ed|es)|observ(?:ed|es)|point(?:ed|s) (?:out|to)|"
    r"propos(?:ed|es)|suggest(?:ed|s)|recommend(?:ed|s)|inform(?:ed|s)|announc(?:ed|es)|present(?:ed|s)|"
    r"discuss(?:ed|es)|shar(?:ed|es)|explain(?:ed|s)|report(?:ed|s)|argu(?:ed|es)|assert(?:ed|s)|caution(?:ed|s)|"
    r"warn(?:ed|s)|conclud(?:ed|es)|add(?:ed|s)|voic(?:ed|es)|affirm(?:ed|s)|reiterat(?:ed|es)|identifi(?:ed|es)|"
    r"describ(?:ed|es)|outlin(?:ed|es)|referr?(?:ed|s) to|reflect(?:ed|s) on|brief(?:ed|s)|commend(?:ed|s)|"
    r"assur(?:ed|es)|thank(?:ed|s)|introduc(?:ed|es)|advocat(?:ed|es)|promot(?:ed|es)|"
    r"continu(?:ed|es) to (?:advocate|call|stress)|believ(?:ed|es)|"
    # "supported the proposal" is a position; "The IOM supported Djibouti to develop …" an activity
    r"support(?:ed|s)(?= (?:(?:the|this|that|these|those|a|an) )?(?:calls?|proposals?|ideas?|views?|positions?|"
    r"recommendations?|statements?|suggestions?|reforms?|adoption|establishment|creation|inclusion|need|importance|"
    r"principles?|approach|notion)\b)|"
    r"valu(?:ed|es)|felt|perceiv(?:ed|es)|offer(?:ed|s) to|endors(?:ed|es)|reflect(?:ed|s) that|pledg(?:ed|es)|"
    r"hail(?:ed|s)|signed a pledge|made (?:a )?commitments?|appreciat(?:ed|es)|critici[sz](?:ed|es)|prais(?:ed|es)|"
    r"doubt(?:ed|s)|lament(?:ed|s)|"
    r"encourag(?:ed|es)|invit(?:ed|es)|insist(?:ed|s)|declar(?:ed|es)|indicat(?:ed|es)|mention(?:ed|s)|"
    r"opened|responded|replied|hop(?:ed|es)|confirm(?:ed|s)|request(?:ed|s)|maintain(?:ed|s)|cit(?:ed|es)|"
    r"underlined|took the floor|delivered|spoke|speaks|emphasised|reminded|questioned|asked|deplor(?:ed|es)|"
    r"regrett?(?:ed|s)|condemn(?:ed|s)|expressed|applaud(?:ed|s)|"
    r"continue to (?:advocate|call|stress)|concurr?(?:ed|s)|agree[ds]?|found that|finds that|"
    r"estimat(?:ed|es) that|project(?:ed|s) that|forecast(?:s|ed)? that|"
    r"state|note|stress|highlight|emphasi[sz]e|underline|recommend|suggest|show that|find that|"
    r"(?:is|are|was|were) (?:pleased|honou?red|delighted|happy) to|"
    r"consider(?:s|ed)? that|consider(?:s|ed)?(?= [^.;:]{1,60}? as )|"
    r"consider(?:s|ed)?(?= (?:it )?(?:strategically |highly |very |particularly )?(?:relevant|important|essential|"
    r"necessary|crucial|vital|critical|useful|appropriate|timely)\b)"
)


def _by_agent(lead: str, verbs: str, agent: str, stops: str) -> re.Pattern[str]:
    """``lead`` + a reporting verb + "by" + its agent (named group ``agent``), the agent ending before a word of
    ``stops`` or punctuation."""
    return re.compile(rf"{lead}(?:{verbs})\s+by\s+(?P<agent>{agent})(?=\s+(?:{stops})\b|[,.;:]|$)")


_NAMED_AGENT = r"(?:the\s+)?[A-Z][^,.;:“”\"]{1,80}?"
# reporting verbs in the passive with their agent: "concerns were expressed by the IOM staff", "… was made by a
# Sudanese government employee"
_PASSIVE_RE = _by_agent(
    r"\b(?:was|were|is|are|has been|have been|had been)\s+",
    r"expressed|noted|highlighted|stressed|raised|emphasi[sz]ed|voiced|underlined|underscored|suggested|"
    r"recommended|reported|presented|echoed|shared|made|delivered|called for|explained|described|confirmed|"
    r"acknowledged|stated|argued|mentioned|identified|appreciated|valued|praised|welcomed|critici[sz]ed|questioned|"
    r"endorsed|commended|recogni[sz]ed|perceived|considered",
    rf"{_NAMED_AGENT}|(?:an?|both|all|some|several|many|most)\s+[A-Z][^,.;:“”\"]{{1,80}}?",
    r"who|which|that|and|in|at|on|during|for|to|as")
# reporting verbs as a participle with their agent, no auxiliary: "at levels recommended by the Group of Eight (G8)",
# "a few examples noted by the IOM" ("proposed by" names where an idea came from, not who speaks here)
_BY_AGENT_RE = _by_agent(
    r"\b(?:as\s+)?",
    r"recommended|called for|urged|voiced|expressed|noted|highlighted|championed|advocated|stressed|emphasi[sz]ed|"
    r"underlined|underscored|requested",
    _NAMED_AGENT, r"who|which|that|and|in|at|on|during|for|to|as|were|was|is|are")
# a paragraph number or item letter opening a sentence: "25. Member States …", "(b) UNHCR …"
_ITEM_PREFIX_RE = re.compile(r"^(?:\(?\d{1,3}[.)]|\(?[a-z][.)]|\([ivx]{1,4}\)|[•●▪◦\-–])\s+")
# a heading in capitals run into the next sentence: "IMPLEMENTING THE NEW YORK DECLARATION … Mr. William Lacy Swing, …"
_CAPS_HEADING_RE = re.compile(r"^(?:[IVXL]+\.\s+)?[A-Z][A-Z0-9 ,:;'’&()/-]{8,}?\s+(?=(?:Mr|Ms|Mrs|Dr|Professor|Ambassador|H\.E)\.?\s)")
# a document as the subject: "The report of the Secretary-General … emphasized"
_DOC_SUBJECT_RE = re.compile(r"^(?:the |The |an? |An? )?(?:[\w-]+ ){0,2}?(?:report|statement|study|paper|note|submission|"
                             r"contribution|message|position)s? (?:of|by|from) (?:the )?(?P<author>.+)$")
# a study by its author: "an assessment conducted in 2023 by the Multilateral Organization … concluded"
_STUDY_BY_RE = re.compile(r"^(?:the |The |an? |An? )?(?:[\w-]+ ){0,3}?(?:report|study|paper|assessment|evaluation|review|"
                          r"survey|analysis|audit|research)s? (?:conducted|carried out|prepared|published|produced|"
                          r"undertaken|written|issued|led|done)(?: in \d{4})? by (?:the )?(?P<author>.+)$")
# "In an interview with IOM staff working in Ethiopia, it was noted that …"
_INTERVIEW_RE = re.compile(
    r"\b[Ii]n (?:an? |the |their )?(?:interviews?|discussions?|consultations?|conversations?) with "
    r"(?P<agent>(?:the )?[A-Z][^,;:]{1,80}?)(?:\s+(?:working|based|located) in [^,]{1,60})?, it was "
    r"(?:noted|said|stated|mentioned|reported|explained|highlighted|stressed|emphasi[sz]ed|pointed out|observed|"
    r"acknowledged|suggested)\b")
# a statement, paper or summary named with its author: "Statement by …", "Report of the Secretary-General",
# "Inputs of the International Labour Organization", "(8-9 May 2017) Statement by."
_TITLE_OF_RE = re.compile(
    r"^[•●\-–\s]*(?:\([^()]{1,40}\)\s*)?(?:(?:Joint |Opening |Closing |Keynote |Introductory )?(?:Statement|Remarks|"
    r"Address|Message|Intervention|Presentation|Speech|Contribution|Submission|Inputs?|Report|Recommendations|"
    r"Comments|Position paper|Note|Resolution|Decision|Communication)s?(?:\s+(?:on|to|at)\s+[^()]{1,100}?)?"
    r"(?:\s+(?:adopted|issued|submitted|prepared))?\s+(?:of|by|from)(?:\s+(.{3,200})|\.?))$", re.I)
# a document named by its author first: "IOM Statement", "UN Women Chair s Report …", "Moroccan position on …"
_OWN_TITLE_RE = re.compile(r"^[•●\-–\s]*([^.:]{2,80}?)(?:'s|’s| s)?\s+(?:Statement|statement|recommendations|"
                           r"Recommendations|submission|Submission|position paper|Position Paper|position|Position|"
                           r"contribution|Contribution|summary|Summary|Note|Issue Brief|Discussion Paper|Report|report|"
                           r"input|Input|inputs|Inputs)\b")
_UNIT_TAIL_RE = re.compile(r"(?:\s+\([A-Z][A-Za-z]{1,11}\))?\s+(?:Task Force|Working Group|Sub-[Gg]roup|Steering Committee|Secretariat)\b[^.]*$")
_ROLE_TAIL_RE = re.compile(r"\s+(?:Chair|Chairs|Presidency|Secretariat|Co-Chairs?)$")
# "the report of SRSG Peter Sutherland", "the report by the Secretary-General": a body's report named in passing
_REPORT_OF_RE = re.compile(r"\b[Rr]eport (?:of|by) (?:the )?([A-Z][^,;.()]{1,100}?)(?=\s*[,;.(]|\s+(?:on|published|"
                           r"entitled|to|in|and|which|that|was|were)\b|$)")
# the subject "the report" (after a lead: "First, on managing crisis-related movements …, the report")
_THE_REPORT_RE = re.compile(r"(?:^|,\s+)(?:the |The )?report$")
# a body's finding inside a sentence: "(e.g. in 2021, the ILO found that …", "…; UNHCR noted that …"
_INNER_RE = re.compile(r"(?:^|[(;]\s*|,\s+)(?:e\.g\.\s+)?(?:in \d{4},\s+)?(?:the\s+)?([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,5})"
                       r"\s+(?:found|noted|reported|stated|estimated|concluded|showed|observed)\s+that\b"
                       # a body's words reported by the speaker: "He recalled that Member States had reaffirmed …"
                       r"|\b(?:that|in which|where)\s+(?:the\s+)?([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,5})"
                       r"(?:\s+staff(?:\s+and\s+(?:other\s+)?stakeholders)?)?\s+(?:had\s+|have\s+|has\s+)?"
                       r"(?:reaffirmed|recommended|called for|stressed|emphasi[sz]ed|highlighted|underlined|proposed|"
                       r"acknowledged|recogni[sz]ed|agreed|expressed|noted|stated|explained|reported)\b")
# a body's named document that finds: "Itad’s “Spot Analytical Report #1 …” study found that"
_OWN_DOC_RE = re.compile(r"(?<![\w&-])([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,5})(?:'s|’s)\s+(?:[“\"][^”\"]{1,200}[”\"]\s+)?(?:[\w-]+\s+){0,2}?"
                         r"(?:report|study|analysis|review|survey|assessment|guidelines|strategy)\s+(?:found|noted|"
                         r"concluded|showed|stated|states|highlighted|recommended)\b")
# a document-type title, then its author: "OPENING REMARKS. William Lacy Swing Director General, International
# Organization for Migration.", "CONCEPT NOTE AND PROJECT PLAN. GFMD Business Mechanism Duration: …"
_TITLE_THEN_AUTHOR_RE = re.compile(r"^(?:(?:OPENING|CLOSING|KEYNOTE|Opening|Closing|Keynote)\s+)?(?:REMARKS|STATEMENT|ADDRESS|"
                                   r"SPEECH|CONCEPT NOTE(?: AND PROJECT PLAN)?|Remarks|Statement|Address|Concept note)"
                                   r"\.\s+(.{3,250})$")
# first person speaking for a body: "… to address you today, as GFMD Co-Chair on behalf of Germany."
_ON_BEHALF_RE = re.compile(r"\bon behalf of (?:the\s+)?([A-Z][^,.;:]{2,80})")
_FIRST_PERSON_RE = re.compile(r"\b(?:I|me|my|[Ww]e|our)\b")
# someone speaking for a body: "a representative from the GFMD business mechanism"
_MEMBER_OF_RE = re.compile(r"^(?:an? |the |The |A |An )?(?:representatives?|delegates?|members?|spokesperson|"
                           r"officials?|(?:[Pp]ermanent )?[Oo]bservers?(?= for))"
                           r" (?:from|of|for) (?:the )?(?P<author>.+)$")
_ORDINAL_RE = re.compile(r"^(?:the\s+|The\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                         r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
                         r"nineteenth|twentieth|\d+(?:st|nd|rd|th))\s+", re.I)
# offices held by one person: "He" in the next sentence may be the holder
_OFFICE_RE = re.compile(r"Secretary-General|Special Representative|Rapporteur|High Commissioner|Director|President|"
                        r"Chair|Envoy|Adviser|Commissioner")
# a subject, then a verb of committing or announcing (see ActorFinder._commitments)
_COMMIT_RE = re.compile(
    r"^(?:(?:In|By|On|Since|As part of|With|Through|Under) [^,]{3,80},\s+|"
    r"(?:Today|Together|Also|Additionally|In addition|Moreover|Furthermore|To (?:that|this) end),?\s+)?"
    r"(?:the\s+)?(?P<subj>[A-Z][^;:,.]{0,200}?(?:,\s+[^;:,.]{1,80}?){0,12})\s+"
    r"(?:(?:also|each|all|both|jointly|together|formally|officially|today|now|further)\s+){0,2}"
    r"(?:announc(?:ed|es)|commit(?:s|ted) to|pledg(?:ed|es)|agreed to|(?:has|have) agreed to|"
    r"(?P<state_only>(?:is|are|remains?) (?:(?:also|fully|firmly|strongly)\s+)?committed to|will\b)|"
    r"(?:is|are|was|were) (?:(?:also|now)\s+)?making (?:\S+\s+){0,3}?commitments?\b|"
    r"(?:made|make|makes) (?:\S+\s+){0,3}?commitments?\b|intends? to|plans? to|"
    r"(?:is|are) (?:(?:very|deeply|especially|particularly)\s+)?(?:proud|pleased|grateful|honou?red|delighted|glad) (?:to|of|for)\b)")
# "Belize: Expand access …": a name, a colon or a dash, then a verb of doing or committing
_LABELLED_COMMITMENT_RE = re.compile(
    r"^(?:[-•*·]\s*)?(?P<label>[A-Z][^:;,.–—()]{1,60}?)(?::\s+|\s+[–—-]\s+)"
    r"(?:[Ww]ill\s+|[Cc]ommits? to\s+|[Pp]ledges? to\s+)?"
    r"(?:Expand|Provide|Establish|Increase|Strengthen|Launch|Support|Grant|Develop|Implement|Create|Offer|Welcome|"
    r"Improve|Promote|Host|Adopt|Continue|Regulari[sz]e|Resettle|Facilitate|Invest|Allocate|Ensure|Extend|Open|"
    r"Issue|Train|Reduce|Combat|Integrate|Protect|Receive|Register|Issue|Fund|Double|Admit|Enhance|Commit|"
    r"Will|Pledge|Announce|expand|provide|establish|increase|strengthen|launch|support|grant|develop|implement|"
    r"create|offer|welcome|improve|promote|host|adopt|continue|regulari[sz]e|resettle|facilitate|invest|allocate|"
    r"ensure|extend|open|issue|train|reduce|combat|integrate|protect|receive|register|fund|double|admit|enhance)"
    r"(?:s|d|ed)?\b")
# what may stand between the names of a subject list: commas, "and", "the", "Government(s) of"
_LIST_GLUE_RE = re.compile(r"(?:\s|,|&|\b(?:and|the|The|Governments?|of|both|as well as)\b|’s|'s)*")

_LEAD = (r"(?:(?:[Ii]n (?:his|her|its|their) [^,]{3,80}|On behalf of [^,]{3,80}|Similarly|Further|Furthermore|Moreover|"
         r"First|Second|Third|Fourth|Fifth|Having [^,]{3,80}|"
         r"However|Finally|Lastly|In closing|In conclusion|In response[^,]{0,200}|Responding[^,]{0,200}|"
         r"[Ii]n (?:the|a|an|this|that|another|one|all|both|most|some|many|several|each|every) [^,]{3,120}|"
         r"(?:held|organi[sz]ed|convened|hosted|launched|published) [^,]{3,80}|[Ii]n (?:early |late |mid-)?\d{4}|"
         r"During [^,]{3,120}|At [^,]{3,120}|(?:Speaking|Intervening) [^,]{3,120}|"
         r"Reacting[^,]{0,100}|Introducing[^,]{0,100}|Recalling[^,]{0,100}|Referring[^,]{0,100}|In this regard|"
         r"In addition|Also|Likewise|At the same time|Turning[^,]{0,80}|Before [^,]{0,80}|Thus|Therefore|Hence|"
         r"Accordingly|Consequently|Notably|Indeed|In particular|Overall|In turn|As a result|"
         r"(?:By|While|When|Given|As|With|Through|Building on|Noting|Welcoming|Stressing|Because|Since|Although|"
         r"Though|Despite|After|Following|while|when|although|though|since|because|despite|given|as) [^,]{3,120}|"
         r"In [A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,3}|[Ff]or example|[Ff]or instance|When interviewed),\s+)"
         r"{0,2}")
_CLAUSE_RE = re.compile(
    rf"^{_LEAD}(?P<subj>[^;:“”\"]{{1,260}}?)\s+(?:(?:further|also|then|again|strongly|repeatedly|particularly|"
    rf"specifically|firmly|fully|briefly|later|subsequently|already|had|has|have|would|will|could|should|must|may|might|"
    rf"can|long|always|often|(?!(?:family|assembly|supply|rally|ally|anomaly|reply|monopoly)\b)[a-z]{{3,}}ly|,)\s+)*(?P<verb>{_VERBS})\b")
# v7: a policy document's content, or a body adopting one: "The National Development Plan of Djibouti (2020-2024)
# aims to …", "Ethiopia’s Ten-Year Development Plan: A Pathway to Prosperity (2021-2030) focuses on …" (a colon
# inside its title), "The IGAD adopted a Regional Migration Policy Framework"
_POLICY_RE = re.compile(
    rf"^{_LEAD}(?P<subj>[^;“”\"]{{1,200}}?)\s+(?:(?:also|has|have|had|recently|formally|further)\s+)*"
    r"(?P<verb>aims? to|seeks? to|focus(?:es)? on|cent(?:re|er)s? (?:around|on)|(?:is|are) cent(?:red|ered) (?:around|on)|"
    r"revolves? around|sets? out|provides? for|envisages?|commits? to|prioriti[sz]es|"
    r"(?:adopted|launched)\s+(?:a|an|the|its|their)\s+[^.;]{0,80}?\b(?i:polic(?:y|ies)|framework|strategy|plan|resolution|"
    r"declaration|law|guidelines|agenda|compact|approach|roadmap|protocol|convention|charter|treaty|instrument|"
    r"programme of action)\b)")
# "as recommended in the IOM Monitoring and Evaluation Guidelines": a body's document cited for what it says
# a body's document or people in a clause of the sentence: "… backs up the 2023 MOPAN analysis regarding AAP, which
# concluded that …", "following findings from the 2023 MOPAN assessment indicating that …"
_DOC_CLAUSE_RES = (
    re.compile(r"\b(?:the|a|an|its|their)\s+(?P<np>[^,;:()“”\"]{3,100}?),?\s+(?:which|who)\s+(?:had\s+|has\s+|have\s+)?"
               r"(?:concluded|found|noted|stated|highlighted|recommended|emphasi[sz]ed|stressed|showed|indicated|"
               r"identified|underlined|argued)\b"),
    re.compile(r"\b(?:findings|results|conclusions|evidence)\s+(?:from|of)\s+(?:the\s+)?(?P<np>[^,;:()“”\"]{3,80}?)\s+"
               r"(?:indicating|showing|suggesting|concluding|confirming|highlighting|stating)\s+that\b"),
)
# a person presenting a body's report speaks for it: "Ms. Sarah Rosengaertner presented the key findings and
# recommendations of the report of SRSG Peter Sutherland"
_PRESENTS_REPORT_RE = re.compile(
    r"^(?:Mr|Ms|Mrs|Dr|Professor|Prof)\.?\s+(?P<name>(?:[A-Z][\w'’.-]+\s?){1,4}?)\s+presented\s+(?:the\s+)?(?:(?:key\s+|main\s+)?"
    r"(?:findings|recommendations|conclusions|results)(?:\s+and\s+(?:recommendations|conclusions|findings))?\s+of\s+)?"
    r"the\s+(?:report|study)\s+(?:of|by)\s+(?:the\s+)?(?P<body>[A-Z][^,;.]{1,80})")
# testimony with its source line: "… the integrated approach that we have … Source: interview with IOM staff representative."
_SOURCE_INTERVIEW_RE = re.compile(r"\bSource:\s+(?:an?\s+)?interviews?\s+with\s+(?:an?\s+|the\s+)?(?P<who>[^.;]{2,80}?)\.?\s*$")
# government people whose state is the sentence's place: "In Djibouti, governmental representatives also agreed"
_GOVERNMENT_PEOPLE_RE = re.compile(r"^(?:the\s+|some\s+|several\s+|many\s+)?(?:government(?:al)?|national|state)\s+"
                                   r"(?:representatives?|officials?|authorities|counterparts|officers?|stakeholders)$", re.I)
# a sentence led by a body's document: "In the terms of the IOM Glossary, it is framed …", "In its 2019 Handbook on the
# subject, the IOM sought to …" (its: the body the sentence goes on to name)
_IN_DOC_RE = re.compile(r"^(?:In|Under|Within) (?P<terms>the terms of )?(?:(?P<its>its|their) |the )?(?P<doc>[^,]{2,100}),\s+"
                        r"(?P<rest>.{0,80})")
# what makes it the document's words, not a setting ("In the IOM Strategic Plan 2024–2028, AAP is positioned …" is none)
_IN_DOC_SAYS_RE = re.compile(r"^(?:it is |they are |this is )?(?:[\w-]+ ){0,5}?(?:(?:is|are) )?(?:framed|defined|described|"
                             r"stated|set out|sets out|sought|seeks|aims?|states|defines|describes|recommends|calls for|"
                             r"stipulates|provides|introduced|noted|stressed|highlighted|emphasi[sz]ed|recogni[sz]es)\b")
_AS_IN_DOC_RE = re.compile(r"\b[Aa]s (?:recommended|stated|required|set out|outlined|noted|specified|defined|foreseen|"
                           r"envisaged|stipulated|described|called for|highlighted|emphasi[sz]ed|stressed|laid down|"
                           r"mandated|suggested) in (?:the |its |their )?(?P<doc>[^,.;()“”\"]{2,120})")
# v13: the speaker after the words, as meeting reports put it: "…, the delegation of Canada said.", "…, said the
# representative of Mexico.", "The compact, the representative of Germany noted, is …"
_AFTER_VERBS = (r"said|stated|noted|stressed|added|argued|observed|emphasi[sz]ed|explained|warned|cautioned|recalled|"
                r"pointed out|insisted|concluded|underlined|underscored|highlighted|maintained|suggested|asserted|"
                r"affirmed|reiterated|remarked|declared|believed|reported|confirmed|recommended")
_SPEAKER_AFTER_RE = re.compile(rf",\s+(?:as\s+)?(?P<subj>[^,;:“”\"]{{2,120}}?)\s+(?:also\s+|further\s+)?"
                               rf"(?:{_AFTER_VERBS})[.!]?[”\"]?$")
_SPEAKER_INVERTED_RE = re.compile(rf",\s+(?:{_AFTER_VERBS})\s+(?P<subj>[^,;:“”\"]{{2,120}}?)[.!]?[”\"]?$")
_SPEAKER_BETWEEN_RE = re.compile(rf"^[^,;:]{{3,200}}?,\s+(?P<subj>[^,;:“”\"]{{2,100}}?)\s+(?:{_AFTER_VERBS}),"
                                 rf"\s+(?=[a-z])")
# "In the view of ILO, …", "As stated by the European Union, …"
_VIEW_OF_RE = re.compile(r"^(?:(?:In the (?:view|opinion|assessment|words) of|As (?:stated|said|noted|stressed|"
                         r"emphasi[sz]ed|highlighted|pointed out|underlined|recalled|mentioned|explained|argued) by) "
                         r"(?P<subj>[^,;:]{2,100})|As (?P<putter>[^,;:]{2,100}?) (?:put|puts) it),\s+")
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to (?:the )?(?![^,.;]{1,80}\b(?:data|figures|statistics|estimates)\s*(?:,|\.?$))"
                           r"(?!(?:[\w-]+ ){0,2}(?:data|figures|statistics|estimates|numbers) (?:from|of|by)\b)"
                           r"([A-Za-z][^,.;]{1,80})(?:,|\.?$)")  # "according to World Bank data": a source, not a claim
_TITLES = (r"Mr|Ms|Mrs|Dr|Professor|Prof|Ambassador|H\.E|His Excellency|Her Excellency|Minister|Deputy|"
           r"Under-Secretary-General|Assistant Secretary-General|Secretary-General|Director-General|Director General|"
           r"Director|Chief|Commissioner|Rapporteur|Special Adviser|Special Representative|Senator|Mayor|President|"
           r"Executive Director|Judge|Father|Sister|Dame|Sir|Lord")
_PERSON_RE = re.compile(rf"^(?:the |The )?(?:(?:{_TITLES})\.?\s+)+(?P<name>(?:[A-Z][\w'’.-]+\s?){{1,5}})$")
_PRONOUN_RE = re.compile(r"^(?:He|She)$")
_STATE_ROLE_RE = re.compile(
    r"\b(?:Permanent Representative|Ambassador|Minister|Ministry|Government|State Secretary|Secretary of State|"
    r"Mission|Deputy Minister|Vice-Minister|President of|Prime Minister|Head of State|Delegation|delegation|"
    r"representative of|Representative of)\b")
_GENERIC_RE = re.compile(
    r"\b(?:representative|representatives|delegation|delegate|Government|Minister|Ministry|Ambassador|President|"
    r"Prime Minister|staff|spokesperson|Permanent Mission|Mission|Head|Director|Chair|Secretariat|"
    r"Permanent Representative|Foreign Minister|Vice-President|King|Queen|Emir)\b")
# note: a footnote number after the stop ("… in 2020.362 Thus"); a bracketed one ("… support.[165] IOM staff") always
# ends the sentence
_SENT_END_RE = re.compile(r"[.!?][”\"]?(?:(?P<note>\d{1,3})|\[\d{1,3}\])?\s+(?=[A-Z“\"(])")
_NO_SPLIT = {"Mr", "Ms", "Mrs", "Dr", "Prof", "H.E", "St", "No", "e.g", "i.e", "Art", "para", "paras", "vol", "Vol", "p",
             "pp", "Jr", "Sr", "Gen", "Amb"}


def sentences(text: str) -> list[str]:
    """Sentences, without splitting after titles and common abbreviations ("Mr. Swing", "e.g. Sudan")."""
    out, start = [], 0
    for m in _SENT_END_RE.finditer(text):
        word = text[max(start, m.start() - 6): m.start()].split()[-1:] or [""]
        if word[0].lstrip("(") in _NO_SPLIT or (len(word[0]) == 1 and word[0].isupper()):
            continue
        # "… in 2020.362 Thus, …", "… children”.420 IOM staff …": a footnote number glued to the full stop ends
        # the sentence after a word, a closing quote or bracket or a year — not in a decimal ("Table 3.2 The")
        if m.group("note") and not re.search(r"(?:[A-Za-z”\")\]]|(?<![\d.])\d{4})$", text[max(start, m.start() - 5): m.start()]):
            continue
        out.append(text[start: m.end()].strip())
        start = m.end()
    if start < len(text):
        out.append(text[start:].strip())
    return out
_QUANTIFIED_RE = re.compile(r"^(?:[Mm]ore than \d+|[Oo]ver \d+|[Ss]ome|[Ss]everal|[Mm]any|[Mm]ost|[Oo]ther|[Aa] few|[Aa] number of|[Nn]early all|"
                            r"[Aa]lmost all|[Aa]ll)\s+(?P<rest>.+)$")
_PEOPLE = (r"(?:staff(?:\s+members?)?|informants?|officials?|officers?|colleagues|personnel|employees?|representatives?|"
           r"(?:survey\s+)?respondents?)")
# "IOM staff and stakeholders", "One IOM staff member", "Consulted IOM informants", "a Sudanese government employee"
_BODY_PEOPLE_RE = re.compile(rf"^(?:(?:[Oo]ne|[Aa]n?|[Aa]nother|[Tt]he|[Cc]onsulted|[Ii]nterviewed)\s+)?(?:member of\s+)?"
                             rf"(?P<body>.+?)\s+{_PEOPLE}(?:\s+and\s+(?:other\s+)?(?:stakeholders|partners))?$")
# "informants from the IOM and MRCs", "a member of IOM staff"
_PEOPLE_OF_RE = re.compile(rf"^(?:(?:[Oo]ne|[Aa]n?|[Aa]nother|[Tt]he)\s+)?(?:{_PEOPLE}|members?)\s+(?:from|of)\s+(?:the\s+)?"
                           rf"(?P<body>.+?)(?:\s+staff)?$")
_GLUED_RE = re.compile(r"\b((?:[Ii]nformant|[Rr]espondent|[Ii]nterviewee|[Oo]fficer|[Oo]fficial|[Ss]takeholder|[Pp]artner|"
                       r"[Pp]articipant|[Dd]elegate|[Ee]xpert)s?|staff)(?=(?:(?:strongly|also|generally|largely|often|"
                       r"widely|mostly|clearly|further)\s+)?(?:believed|reported|stated|noted|said|explained|"
                       r"stressed|highlighted|mentioned|felt|indicated|confirmed|suggested|considered|perceived|agreed|"
                       r"emphasi[sz]ed|expressed|underlined|valued|acknowledged)\b)")
_ROLE_WORDS = r"(?:Moderator|Chair|Co-Chair|Discussants?|Panellists?|Panelists?|Speakers?|Rapporteur|Presentation)"
_ADHOC_BODY_RE = re.compile(
    rf"(?<![\w.&'’-])(?:(?!{_ROLE_WORDS}\b)[A-Z][\w.&'’-]*\s+){{0,4}}(?:University|Institute|College|Foundation|Centre|Center|"
    rf"Council|Association|Alliance|Society|Federation|Unions|Associates)\b"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?(?!{_ROLE_WORDS}\b)[A-Z][\w.&'’-]*(?:\s+(?!{_ROLE_WORDS}\b)[A-Z][\w.&'’-]*){{0,2}})?")
_OWN_UNIT_RE = re.compile(r"^(?P<owner>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,4})(?:'s|’s)\s+(?:[A-Z][\w-]*\s+){0,4}"
                          r"(?:Unit|Office|Department|Division|Secretariat|Headquarters|Section|Board|Committee|"
                          r"Centre|Center)\b(?:\s+\([A-Z]{2,8}\))?$")
_ORGAN_RE = re.compile(r"^(?:General Conference|Governing Body|Executive (?:Committee|Board|Council)|Standing Committee|"
                       r"Council|Board|Principals|Secretariat|General Assembly|Plenary|Bureau) of (?:the )?(?P<body>.+)$")
# a subject phrase with a verb of its own is a clause ("Other IOM staff come to the field to really see how … was")
_CLAUSE_WORD_RE = re.compile(r"\b(?:is|are|was|were|be|been|being|come|comes|came|go|goes|went|get|gets|got)\b")
_SUBJ_BLOCK = re.compile(r"\b(?:participant|participants|panellist|panellists|panelist|speakers?|experts?|interviewees?|"
                         r"informants?|respondents?|stakeholders?|returnees?|evaluation|evaluators?|report|study|survey|"
                         r"one|another|some|many|several|others)\b", re.I)

# v7: the owner of a subject phrase, by its head noun. A body's people ("regional IOM staff and partners",
# "several of the IOM officers interviewed", "Two interviewees from the IOM", "A stakeholder from the FAO") speak
# for the body; a body's document or policy ("The 2019 MOPAN review of IOM", "IOM Ethiopia's complaints and
# feedback overview", "The National Development Plan of Djibouti") speaks for its author. One grammar instead of
# a pattern per wording: a quantifier, premodifiers (where the owner stands), the head, then what may follow it.
_OWNER_QUANT_RE = re.compile(
    r"^(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3}|several|some|many|most|a few|few|all|both|"
    r"the majority|a majority|a number|half|each|other|others|nearly all|almost all)(?:\s+of)?\s+)?"
    r"(?:(?:the|these|those|its|their|a|an|another)\s+)?", re.I)
_OWNER_PEOPLE = (r"staff(?:\s+members?)?|informants?|interviewees?|respondents?|stakeholders?|officials?|officers?|"
                 r"colleagues|personnel|employees?|representatives?|managers?|focal\s+points?|team\s+members?|"
                 r"experts?|specialists?|leadership|management|counterparts?|[Pp]rincipals")
_OWNER_DOCS = (r"guidelines|guidance|strateg(?:y|ies)|polic(?:y|ies)|framework|(?:action\s+)?plans?|overview|"
               r"reviews?|reports?|study|studies|assessments?|analysis|note|paper|brief|handbook|"
               r"manual|toolkit|glossary|guide|compendium|charter|standards|procedures|principles|roadmap|position|"
               r"submission|statement")
_OWNER_HEAD_RE = re.compile(rf"\b(?:(?P<people>{_OWNER_PEOPLE})|(?P<doc>{_OWNER_DOCS}))\b", re.I)
# before the head, no preposition or clause word: the head is the phrase's own ("the evaluation of IOM's policy"
# has "evaluation" as its head, not "policy")
_OWNER_PRE_BLOCK = re.compile(r"\b(?:of|for|on|about|with|to|in|at|by|from|or|that|which|who|whose|than|as|between|"
                              r"among|within|without|under|over|into|through|evaluation|evaluations|evaluators?)\b")
# after the head: participles, the body it is from, a partner noun, a bracket — not a finite verb
_OWNER_POST_BLOCK = re.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did)\b(?!\s+(?:interviewed|"
                               r"consulted|surveyed)\b)")
# documents whose "of" names their author (a plan of a state), not their topic (a review of IOM)
_OWNER_OF_AUTHOR = re.compile(r"^(?:guidelines|guidance|strateg(?:y|ies)|polic(?:y|ies)|framework|(?:action\s+)?plans?|"
                              r"position|submission|statement|roadmap|standards|procedures|principles)$", re.I)


def _without_offices(matches: list[Match]) -> list[Match]:
    """Names less a country right after a body, which names the body's country office ("IOM Türkiye officers")."""
    out: list[Match] = []
    for m in matches:
        if (out and m.entry.kind in ("country", "demonym") and out[-1].entry.kind == "org"
                and 0 <= m.start - out[-1].end <= 1):
            continue
        out.append(m)
    return out


def _represented(matches: list[Match], text: str) -> str | None:
    """The body a statement's author speaks for: the one after "Representative/Observer/Minister … of", else as
    :func:`_actor_from` ("Ambassador, Permanent Observer of the European Union to the United Nations" → EU)."""
    for m in matches:
        if m.entry.kind in ("org", "country", "demonym") and re.search(
                r"\b(?:Representative|Observer|Ambassador|Minister|Director|Head|Secretary|Commissioner|President|Chair)"
                r"[\w\s,-]{0,40}\b(?:of|for)\s+(?:the\s+)?$", text[:m.start]):
            return m.entry.code
    return _actor_from(matches, text, prefer_state=True)


def _actor_from(matches: list[Match], text: str, prefer_state: bool) -> str | None:
    """The body a subject or affiliation phrase points at."""
    orgs = [m for m in matches if m.entry.kind == "org"]
    states = [m for m in matches if m.entry.kind in ("country", "demonym")]
    if prefer_state and states and _STATE_ROLE_RE.search(text):
        return states[-1].entry.code
    if orgs:
        return orgs[-1].entry.code
    if states and len({m.entry.code for m in states}) == 1:
        return states[-1].entry.code
    return None


_HEADING_PREFIX_RE = re.compile(r"^(?:[IVXL]+\.\s+)?[A-Z0-9][A-Z0-9 ,:;'’&()/-]{8,}?(?=\s+[A-Z][a-z])")
_NOT_NAME = re.compile(
    r"\b(?:The|This|In|On|For|Session|Panel|Towards|Moderator|Table|Annex|Part|Chapter|Section|Report|Framework|"
    r"Policy|Migration|Development|Studies|Affairs|Statistics|Programme|Program|Project|Strategy|Plan|Agenda|"
    r"Declaration|Compact|Initiative|Review|Evaluation|Summary|Division|Office|Ministry|Department|Unit|Series|"
    r"Module|Paper|Brief|Note|Volume|Issue|Rights|Human|Global|National|Regional|International|Phase|Step|Annual|"
    r"Commission|Committee|Council|Statistical|Group|Forum|Network|Meeting|Conference|Dialogue|Markets|Associates|"
    r"Islands?|Republic|State|States|Kingdom|Federation|Union|Table|Figure|Box|Source|Sources|Total|United|Nations|"
    r"Governmental|Director|General|Deputy|Chief|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Coordinator|Officer|Officers|Manager|Hub|Data|Adviser|Advisor|Specialist|Assistant|"
    r"Analyst|Consultant|Expert|Focal)\b")


_Add = Callable[..., None]  # add(actor, method, evidence, person=None): record a claim once per actor


class ActorFinder:
    """Stateful over one document: people met so far, the last speaking person, the current section body."""

    def __init__(self, gaz: Gazetteer, overlay: Overlay | None = None):
        self.gaz = gaz
        self.overlay = overlay or Overlay()
        self.people: dict[str, Person] = {}  # surname and full name -> person
        self.found_people: list[Person] = []
        self.last_person: Person | None = None
        self.unplaced_speaker = False  # the last titled speaker had no known affiliation
        self.section_actor: tuple[str, str] | None = None  # (actor, evidence)
        self.pending_title: tuple[str, str] | None = None  # a statement's title, for the quotation after it
        # the body whose report was just named ("presented the findings of the report of SRSG Peter Sutherland"),
        # for "the report identified …" in this passage and the next: (body, passages left)
        self.report_author: tuple[str, int] | None = None

    def _find(self, text: str) -> list[Match]:
        return self.gaz.find(text, self.overlay)

    def _lookup(self, name: str) -> Entry | None:
        return self.gaz.lookup(name, self.overlay)

    def _claim(self, pid: str, actor: str, method: str, evidence: str, person: str | None = None) -> Claim:
        return Claim(pid, actor, self.gaz.actor_type(actor, self.overlay), method, evidence.strip()[:300], person)

    def _person(self, name: str, role: str, pid: str) -> Person | None:
        name = " ".join(name.split()).strip(" ,")
        if len(name) < 3:
            return None
        matches = self._find(role)
        affiliation = _actor_from(matches, role, prefer_state=True)
        if re.search(r"\bcivil society\b", role):
            affiliation = "Civil society"  # "Chair of the GFMD civil society days": speaks for civil society
        whole = self._lookup(role.strip(" ,"))
        if affiliation is None and whole is not None and whole.kind in ("org", "country"):
            affiliation = whole.code
        if affiliation is None:
            return self.people.get(name) or self.people.get(name.split()[-1])
        p = Person(name, " ".join(role.split()).strip(" ,"), affiliation, pid)
        self.found_people.append(p)
        self.people[name] = p
        self.people[name.split()[-1]] = p
        self.people.setdefault(name.split()[0], p)  # "Mr. Wu Hongbo … Mr. Wu": the family name may come first
        return p

    def _resolve_subject(self, subj: str, pid: str, before: str = "") -> tuple[str, str | None] | None:
        """The body behind a subject phrase; ``before``: the passage's text before this sentence."""
        subj = re.sub(r"\s+(?:that|who|which)$", "", subj.strip().strip(","))  # "Member States that took the floor"
        subj = _ORDINAL_RE.sub("", subj)  # "the nineteenth International Conference of …"
        subj = re.sub(r"\s*,\s*\[\d{1,3}\]\s*", ", ", subj)  # "… for All,[17] published by UNESCO": a footnote after the comma
        subj = _CAPS_HEADING_RE.sub("", subj)
        head, _, apposition = subj.partition(", ")
        head = head.strip()
        role_first = None
        # "Under-Secretary-General for Economic and Social Affairs Mr. Wu Hongbo"
        m = re.match(r"^(?P<role>.+?)\s+(?P<title>(?:Mr|Ms|Mrs|Dr|Professor|Ambassador)\.?)\s+"
                     r"(?P<name>(?:[A-Z][\w'’.-]+\s?){1,4})$", head)
        if m and (self._find(m.group("role")) or self._lookup(m.group("role"))):
            role_first = m
        if _PRONOUN_RE.match(head):
            if self.last_person and self.last_person.affiliation:
                return self.last_person.affiliation, self.last_person.name
            if self.unplaced_speaker:  # "Ms. Nakamitsu underscored … She also urged": the unplaced speaker again
                return None
            # "The Special Representative … will continue to … He will also continue to advocate …"
            offices = [m for m in self._find(before) if m.entry.kind == "org" and _OFFICE_RE.search(m.text)]
            return (offices[-1].entry.code, None) if offices else None
        dm = _DOC_SUBJECT_RE.match(head) or _MEMBER_OF_RE.match(head) or _STUDY_BY_RE.match(head)
        if dm:
            author = dm.group("author").strip()
            entry = self._lookup(author)
            if entry is None:  # "the Secretary-General on international migration statistics (E/CN.3/…)"
                first = self._find(author)[:1]
                entry = first[0].entry if first and first[0].start == 0 else None
            if entry is not None and entry.kind in ("org", "country"):
                return entry.code, None
        # "The moderator, Ms. Clare Menozzi of the Population Division, opened …"
        am = re.match(rf"^(?:(?:{_TITLES})\.?\s+)+(?P<name>(?:[A-Z][\w'’.-]+\s?){{1,4}}?)(?:\s+of\s+(?P<role>.+))?$",
                      apposition.strip().strip(","))
        if am and re.match(r"^(?:the |The )?(?:moderator|chair|panellist|speaker|keynote speaker|facilitator|rapporteur)$",
                           head, re.I):
            return self._speaking(self._person(am.group("name"), am.group("role") or "", pid))
        # "Under-Secretary-General of the Department of Public Information, Ms. Cristina Gallach, briefed …"
        tm = re.match(rf"^(?:(?:{_TITLES})\.?\s+)+(?P<name>(?:[A-Z][\w'’.-]+\s?){{1,4}})$", apposition.strip().strip(","))
        if (tm and not role_first and re.match(rf"^(?:the\s+|The\s+)?(?:{_TITLES}|Head|Chief|Executive Secretary)\b", head)
                and self._find(head)):
            p = self._person(tm.group("name"), head, pid)
            if p and p.affiliation:
                return self._speaking(p)
        if role_first:
            return self._speaking(self._person(role_first.group("name"), role_first.group("role"), pid))
        # v13, a summary record's speaker: "Mr. Khan (Pakistan)", "Ms. Lopez (International Organization for Migration)"
        sr = re.match(rf"^(?:(?:{_TITLES})\.?\s+)+(?P<name>(?:[A-Z][\w'’.-]+\s?){{1,4}}?)\s*\((?P<body>[^()]{{2,80}})\)$", head)
        if sr and (body := self._lookup(sr.group("body"))) is not None and body.kind in ("org", "country"):
            return self._speaking(self._person(sr.group("name"), sr.group("body"), pid))
        pm = _PERSON_RE.match(head)
        if pm:
            name = re.sub(r"(?<=\w)- (?=[A-Z])", "-", pm.group("name"))  # "Schmidt- Bremme": a hyphen at a line end
            # with a role: a new person; without: "Ambassador Lauber" / "Under-Secretary-General Wu" met before
            p = self._person(name, apposition, pid) if apposition else (self.people.get(name.strip())
                                                                     or self.people.get(name.split()[-1]))
            return self._speaking(p)  # a new, unplaced speaker: "He"/"She" no longer points back, not even to an office
        bare = re.sub(r"^(?:the|The|A|An|an|a|both|Both)\s+", "", head)
        um = _OWN_UNIT_RE.match(bare)  # "IOM’s Central Evaluation Unit (EVA)": the body through its unit
        if um and (unit_of := self._lookup(um.group("owner"))) is not None and unit_of.kind in ("org", "country"):
            return unit_of.code, None
        # "EFA Global Monitoring Report 2013/4 …, published by UNESCO in early 2014, found": the author in apposition
        pb = re.match(r"^(?:\[\d+\]\s*)?(?:published|prepared|issued|produced|released|written) by (?:the )?"
                      r"(?P<author>[A-Z][^,]{1,80}?)(?:\s+in\s+[^,]{2,30})?$", apposition.strip().strip(","))
        if pb and (author := self._lookup(pb.group("author"))) is not None and author.kind in ("org", "country"):
            return author.code, None
        om = _ORGAN_RE.match(bare)  # "the General Conference of ILO": the body acting through its organ
        if om and (organ := self._lookup(om.group("body"))) is not None and organ.kind == "org":
            return organ.code, None
        # "Sweden as Chair of the Global Forum on Migration and Development": the body of the capacity
        cm = re.match(r"^.{2,60}? as (?:the )?(?:Chair|Co-Chair|Chairman|Chairperson|President|Presidency|Coordinator) of "
                      r"(?:the )?(?P<body>.+)$", bare)
        if cm and (chaired := self._lookup(cm.group("body"))) is not None and chaired.kind == "org":
            return chaired.code, None
        # "One interview with a Sudanese official confirmed": the one interviewed
        im = re.match(r"^(?:[Oo]ne |[Ss]everal |[Mm]ultiple |[Tt]he )?interviews? with (?:an? |the )?(?P<who>.+)$", bare)
        if im:
            return self._resolve_subject(im.group("who"), pid, before)
        entry = self._lookup(bare)
        if entry is not None and entry.kind in ("org", "country"):
            return entry.code, None  # the subject is the body itself ("Several delegations", "UN Women")
        people = self._body_people(head) if not apposition else None  # not "IOM officers, and assuring them …"
        if people is not None:
            return people, None
        owner = self._owner(head) if not apposition else None
        if owner is not None:
            return owner, None
        if _SUBJ_BLOCK.search(head):
            return None
        matches = _without_offices(self._find(head))
        if not matches:
            return None
        codes = {m.entry.code for m in matches}
        rest = bare
        for m in sorted(matches, key=lambda m: -m.start):
            rest = rest.replace(m.text, "")
        if len(codes) == 1 and not re.sub(r"[\s()’'s,]", "", rest):
            return matches[0].entry.code, None  # "The World Health Organization (WHO)"
        if len(codes) == 1 and re.fullmatch(r"[\s()’'s,]*(?:summit|secretariat|office)[\s()’'s,]*", rest, re.I):
            return matches[0].entry.code, None  # "The GFMD summit had highlighted"
        if (len(codes) == 1 and re.search(r"\b(?:[Gg]uidelines|[Ss]trategy|[Pp]olicy|[Hh]andbook|[Mm]anual|[Ff]ramework)$", head)
                and " of " not in head[: matches[0].start]):
            return matches[0].entry.code, None  # "The forthcoming IOM Case Management Guidelines state"
        if re.match(r"^(?:the |an? )?(?:[\w-]+ ){0,2}(?:analysis|analyses|interviews|desk research)\b", head, re.I):
            return None  # a research method as the subject: "The analysis of interviews with IOM staff … revealed"
        if _GENERIC_RE.search(head) and len(codes) == 1 and not _CLAUSE_WORD_RE.search(head) and not (
                re.search(r"\b(?:staff|representatives?)\b", head)
                and self.gaz.actor_type(matches[0].entry.code, self.overlay) == "unknown"):
            # "The representative of Mexico", "IOM staff"; not "MRC staff in Obock" (a body known only from this
            # document does not speak by its people)
            return matches[0].entry.code, None
        # a person named with role before the verb, without title: "Mr. X" handled above; here e.g.
        # "William Lacy Swing, Director General" is rare in prose, so nothing is claimed.
        return None

    def _owner(self, subject: str, policy: bool = False) -> str | None:
        """The body that owns a subject phrase, by its head noun (see ``_OWNER_HEAD_RE``): a body's people or a
        body's document (with ``policy``: only its own plan, policy, strategy or framework). None when the phrase
        has neither, or the body is not known."""
        subject = subject.strip(" ,")
        q = _OWNER_QUANT_RE.match(subject)
        rest = subject[q.end():] if q else subject
        if len(rest) > 160:
            return None
        names = _without_offices(self._find(rest))
        spans = [(m.start, m.end) for m in names]
        head = next((h for h in _OWNER_HEAD_RE.finditer(rest)
                     if not any(a <= h.start() < b for a, b in spans)), None)  # not inside a name ("… Assessment Network")
        if head is None or (policy and not (head.group("doc") and _OWNER_OF_AUTHOR.match(head.group(0)))):
            return None
        pre, post = rest[: head.start()], rest[head.end():]
        # a short phrase after the head ("… interviewed", "from IOM and MRCs", "of Djibouti (2020-2024)"), not a
        # clause ("The Ethiopia case study (Case study 1) illustrates the work done by IOM …")
        if (_OWNER_PRE_BLOCK.search(pre) or len(pre.split()) > 9 or _OWNER_POST_BLOCK.search(post)
                or len(post) > 70 or len(post.split()) > 9):
            return None
        people = head.group("people") is not None
        own_doc = not people and _OWNER_OF_AUTHOR.match(head.group(0)) is not None

        def usable(m: Match, premodifier: bool) -> bool:
            if m.entry.kind not in ("org", "country", "demonym"):
                return False
            if m.entry.kind == "org":  # a body known only from this document does not speak by its people
                return not people or self.gaz.actor_type(m.entry.code, self.overlay) != "unknown"
            if people:  # "a stakeholder from Sudan", "Ethiopian stakeholders": generic; "a Sudanese official": the state's
                return premodifier and re.match(r"(?i)officials?$", head.group(0)) is not None
            # a state's own plan or policy ("Ethiopia's Ten-Year Development Plan", "the Moroccan position"), not a
            # study of a country ("The Ethiopia case study")
            return own_doc or (premodifier and re.match(r"\s*(?:'s|’s)", rest[m.end:]) is not None)
        before = [m for m in names if m.end <= head.start() and usable(m, True)]
        if before:
            return before[-1].entry.code
        after = [m for m in names if m.start >= head.end() and usable(m, False)]
        if not after:
            return None
        between = post[: after[0].start - head.end()]
        # "interviewees from the IOM", "staff interviewed at IOM", "the review by MOPAN", "the plan of Djibouti"
        if people and re.fullmatch(r"\s*(?:\((?:n\s*=\s*)?\d+\)\s*)?(?:interviewed\s+|consulted\s+|surveyed\s+)?"
                                   r"(?:from|of|at|in|with)\s+(?:the\s+)?", between):
            return after[0].entry.code
        # a date or bracket may stand between: "The National Development Plan 2020-2024 of Somalia"
        between = re.sub(r"^\s*(?:\d{4}(?:\s*[-–/]\s*\d{2,4})?|\([^()]{1,20}\))\s*", " ", between)
        if not people and re.fullmatch(r"\s*(?:(?:prepared|published|issued|conducted|"
                                       r"carried out|produced|written)\s+)?by\s+(?:the\s+)?", between):
            return after[0].entry.code
        if (not people and _OWNER_OF_AUTHOR.match(head.group(0)) and after[0].entry.kind == "country"
                and re.fullmatch(r"\s*of\s+(?:the\s+)?", between)):
            return after[0].entry.code
        return None

    def _adhoc_bodies(self, text: str) -> None:
        """Register, for this document, the bodies an agenda entry names that no table knows ("University of
        Minnesota", "Center for Global Development"), typed from their words."""
        for am in _ADHOC_BODY_RE.finditer(text):
            name = am.group(0).strip()
            if len(name.split()) >= 2 and self._lookup(name) is None and not self._find(name):
                self.overlay.organisations[name] = Organisation(name, _guess_type(name), [name], [])
                self.overlay[_tokens(name)] = Entry("org", name, name)

    def _speaking(self, p: Person | None) -> tuple[str, str | None] | None:
        """Remember who speaks now, for a later He/She, and return (affiliation, name); None for a speaker whose
        body is not known."""
        if p is None or not p.affiliation:
            self.last_person, self.unplaced_speaker = None, True
            return None
        self.last_person, self.unplaced_speaker = p, False
        return p.affiliation, p.name

    def _leading_body(self, text: str, within: int = 0) -> str | None:
        """The organisation or country named first in ``text``, if it starts within ``within`` characters."""
        first = self._find(text)[:1]
        return first[0].entry.code if first and first[0].start <= within and first[0].entry.kind in ("org", "country") \
            else None

    def _body_people(self, subject: str) -> str | None:
        """The body whose people speak: "One IOM staff member", "Somalian IOM staff and stakeholders", "A number
        of informants from the IOM and MRCs", "a Sudanese government employee"; collectives counted out
        ("some delegates", "several Governments" → Member States)."""
        m = _QUANTIFIED_RE.match(subject)
        rest = m.group("rest") if m else subject
        if m:
            entry = self._lookup(rest)
            if entry is not None and entry.kind == "org" and entry.code in ("Member States", "Civil society"):
                return entry.code
            if re.fullmatch(r"(?:States|Governments|delegates|delegations)", rest):  # not "countries": country offices
                return "Member States"
        m = _BODY_PEOPLE_RE.match(rest) or _PEOPLE_OF_RE.match(rest)
        if not m:
            return None
        body = m.group("body")
        names = self._find(body)
        found = _without_offices(names)
        if not found or found[0].start > 4:
            return None
        if found[0].entry.kind in ("country", "demonym") and len(found) > 1 and found[1].entry.kind == "org" \
                and re.fullmatch(r"\s*", body[found[0].end: found[1].start]):
            found = found[1:]  # "Somalian IOM staff": the body's office in that country
        first = found[0]
        if first.entry.kind == "org" and self.gaz.actor_type(first.entry.code, self.overlay) == "unknown":
            return None  # "a respondent from an MRC": a body known only from this document does not speak by its people
        tail = body[first.end:]
        office = [x for x in names if x.entry.kind == "country" and x.start >= first.end
                  and re.fullmatch(r"\s*", body[first.end: x.start])]
        if first.entry.kind == "org" and office:
            tail = body[office[0].end:]  # "informants from IOM Türkiye": the body's country office
        if first.entry.kind == "org" and re.fullmatch(r"(?:\s+and\s+(?:the\s+)?[A-Z][\w-]*)?\s*", tail):
            return first.entry.code
        if first.entry.kind in ("country", "demonym") and m.re is _BODY_PEOPLE_RE and re.fullmatch(
                r"\s*(?:[Gg]overnment|[Mm]inistry)", tail):
            return first.entry.code  # "a Sudanese government employee"
        return None

    def passage(self, pid: str, text: str, kind: str, matches: list[Match] | None = None) -> list[Claim]:
        """Claims of one passage (``matches``: the names already found in ``text``, to avoid a second scan), in the
        order the rules are tried: labels and quotations, titles, reporting verbs sentence by sentence, presenters,
        then the section the passage opens or continues."""
        claims: list[Claim] = []
        seen: set[str] = set()

        def add(actor: str | None, method: str, evidence: str, person: str | None = None) -> None:
            if actor and actor not in seen:
                seen.add(actor)
                claims.append(self._claim(pid, actor, method, evidence, person))

        stripped = text.strip()
        if matches is None or stripped != text:
            matches = self._find(stripped)
        # a PDF text layer's lost space between a people noun and its verb: "IOM informantsreported that …"
        glued = _GLUED_RE.sub(r"\1 ", stripped)
        if glued != stripped:
            stripped = glued
            matches = self._find(stripped)
        self._quoted(stripped, kind, add)
        self._titles(stripped, claims, add)
        self._sentences(pid, stripped, add)
        self._presenters(pid, stripped, kind, matches, add)
        return self._sections(stripped, kind, matches, claims, add)

    def _quoted(self, stripped: str, kind: str, add: _Add) -> None:
        """Speaker labels, quotations with their source or citation, testimony with its source line, and a quotation
        after a statement's title."""
        # speaker label: "Canada: “…”"
        m = re.match(r"^[•\-–\s]*([^:“”\"]{2,80}?)\s*:?\s*[“\"«]", stripped)  # also "Canada“…" (colon lost)
        if m:
            entry = self._lookup(m.group(1))
            if entry and entry.kind in ("org", "country"):
                add(entry.code, "label", m.group(0))
        # quotation followed by its source: “…” (ECA)
        # and a quotation with its citation: “supports the provision …” (IOM, 2017, p.9)
        for m in re.finditer(r"[”\"]\s*\(([^()]{2,60}?)(?:\)|,\s*(?:\d{4}|n\.\s?d\.)[^()]{0,20}\))", stripped):
            entry = self._lookup(m.group(1))
            if entry and entry.kind in ("org", "country"):
                add(entry.code, "quote", m.group(0))
        # testimony with its source line: "… the approach that we have … Source: interview with IOM staff representative."
        src = _SOURCE_INTERVIEW_RE.search(stripped)
        if src and re.search(r"\b(?:[Ww]e|[Oo]ur|us|I)\b", stripped[: src.start()]):
            owner = self._owner(src.group("who"))
            if owner:
                add(owner, "quote", src.group(0))
        # a quotation right after the title of a statement: the statement's author speaks it
        # (kept over a short dateline, "Geneva, October 2017", and from one quotation to the next)
        pending, self.pending_title = self.pending_title, None
        if pending and re.match(r"^[•\-–\s]*[“\"«]", stripped):
            add(pending[0], "title", pending[1])
            self.pending_title = pending
        elif pending and len(stripped) < 60 and kind != "heading":
            self.pending_title = pending

    def _titles(self, stripped: str, claims: list[Claim], add: _Add) -> None:
        """Titles of statements, papers and summaries, mastheads, "prepared by", chair's and co-facilitators'
        summaries."""
        # titles of statements, papers and summaries: the passage's start or, in a short passage, any part of it
        # after a full stop ("Making migration work for development. Report of the Secretary-General (A/72/643)")
        whole = stripped.rstrip(":")
        parts = [(whole, "")]
        if len(stripped) < 300:
            cuts = [c.end() for c in re.finditer(r"(?<=[a-z0-9\])])\.\s+", whole)]
            parts += [(whole[a:b].rstrip(". "), whole[b:]) for a, b in zip(cuts, cuts[1:] + [len(whole)])]
        titled = False
        for part, after in parts:
            m = _TITLE_OF_RE.match(part)
            if m:
                # "Statement by. H.E. Mr Peter Sørensen. Ambassador, Permanent Observer of the European Union …"
                rest = m.group(1) or after
                actor = _represented(self._find(rest), rest) if rest else None
                if actor:
                    add(actor, "title", stripped[:200])
                    titled = True
        m = _TITLE_THEN_AUTHOR_RE.match(whole) if len(stripped) < 300 else None
        if m and not titled:
            author = re.split(r"\.\s+", m.group(1))[0]
            found = [x for x in self._find(author) if x.entry.kind in ("org", "country")]
            actor = _represented(found, author) if any(x.entry.kind == "country" for x in found) else (
                found[0].entry.code if found else None)
            if actor:
                add(actor, "title", stripped[:200])
                titled = True
        for part, _ in parts:
            m = _OWN_TITLE_RE.match(part)
            if m and len(stripped) < 300 and not titled:
                name = _ROLE_TAIL_RE.sub("", m.group(1))  # "UN Women Chair s Report" → UN Women
                entry = self._lookup(name)
                if entry and entry.kind in ("org", "country", "demonym"):
                    add(entry.code, "title", m.group(0))
        mast = re.match(r"^(.{2,80}?(?<=[a-z0-9\])]))\.\s+(?!\(?\d{4})", whole) if len(stripped) < 200 else None
        if mast:
            # a listed document's masthead: its author's name, then its title ("European Union. Third informal
            # thematic session on …"); a reference's year after the name ("IOM. 2019. …") is a bibliography entry
            # or a working body of that author: "Global Migration Group (GMG) Task Force on … . Terms of Reference"
            entry = self._lookup(_UNIT_TAIL_RE.sub("", mast.group(1)))
            if entry is not None and entry.kind == "org":
                add(entry.code, "title", stripped[:200])
        if claims and len(stripped) < 200 and not re.search(r"[“”\"]", stripped):
            self.pending_title = (claims[-1].actor, stripped[:200])
        m = re.search(r"\bprepared by (?:the )?([A-Z][^.;]{2,120})", stripped)
        if m and len(stripped) < 400:
            hits = [x for x in self._find(m.group(1)) if x.entry.kind == "org"]
            if hits and hits[0].start < 5:
                add(hits[0].entry.code, "title", m.group(0))
        if re.search(r"\bChair(?:'s|’s| s)? [Ss]ummary\b", stripped) and len(stripped) < 300:
            add("Chair", "title", "Chair's summary")
        if re.match(r"^Co-facilitators?(?:'|’)?s?(?:'|’)? [Ss]ummary", stripped):
            self.section_actor = ("Co-facilitators", stripped[:60])
            if len(stripped) > 60:
                add("Co-facilitators", "section", stripped[:60])

    def _sentences(self, pid: str, stripped: str, add: _Add) -> None:
        """Reporting verbs, sentence by sentence: subjects, clauses, passives, documents, "according to"."""
        # reporting verbs, sentence by sentence
        if self.report_author is not None:
            self.report_author = (self.report_author[0], self.report_author[1] - 1) if self.report_author[1] > 1 else None
        if len(stripped) >= 25:
            body = _HEADING_PREFIX_RE.sub("", stripped)
            done = ""
            for sentence in sentences(body):
                before, done = done, done + " " + sentence
                sentence = _ITEM_PREFIX_RE.sub("", sentence)
                self._commitments(sentence, add)
                if not before.strip():  # a label opens the passage
                    self._labelled_commitment(sentence, add)
                for rm in _REPORT_OF_RE.finditer(sentence):
                    first = self._leading_body(rm.group(1))
                    if first:
                        self.report_author = (first, 2)
                for rx in (_OWN_DOC_RE, _INNER_RE):
                    for im in rx.finditer(sentence):
                        entry = self._lookup(next(g for g in im.groups() if g))
                        if entry is not None and entry.kind in ("org", "country"):
                            add(entry.code, "speech", im.group(0).strip(" (;,"))
                qm = re.match(r"^Quoting (?:the )?([A-Z][^,]{2,120}),", sentence)
                if qm:  # "Quoting the Secretary-General in his former function …, Ms. Nakamitsu recalled": his words
                    first = self._leading_body(qm.group(1))
                    if first:
                        add(first, "quote", qm.group(0))
                bm = _ON_BEHALF_RE.search(sentence) if _FIRST_PERSON_RE.search(sentence) else None
                if bm:
                    first = self._leading_body(bm.group(1))
                    if first:
                        add(first, "speech", bm.group(0))
                sm = _CLAUSE_RE.match(sentence)
                if sm and self.report_author and _THE_REPORT_RE.search(sm.group("subj")):
                    add(self.report_author[0], "speech", sentence[: sm.end()])
                    continue
                if sm:
                    resolved = self._resolve_subject(sm.group("subj"), pid, before)
                    if not resolved and _GOVERNMENT_PEOPLE_RE.match(sm.group("subj").strip()):
                        place = re.match(r"^In ([A-Z][^,]{2,60}),", sentence[: sm.start("subj")])
                        states = {x.entry.code for x in self._find(place.group(1)) if x.entry.kind == "country"} if place else set()
                        resolved = (states.pop(), None) if len(states) == 1 else None
                    # "In his capacity as Chair of the GMG, Mr. David Malone, Rector of the UNU, informed …": the body
                    # of the capacity he speaks in, not of his post
                    # "In his statement on behalf of the President of the General Assembly, Mr. Thomas Christensen,
                    # Chef-de-Cabinet, recalled …": the body he speaks for, even when his own post names none
                    # v13: "Speaking on behalf of the Group of 77 and China, the representative of Egypt said" → G77
                    cap = re.match(r"^(?:In (?:his|her|its|their) (?:(?P<cap>capacity|role) as|(?:statement|remarks|address) "
                                   r"on behalf of)|(?:Speaking|Intervening) (?:also )?on behalf of) (?:the )?(?P<body>[^,]{3,80}),",
                                   sentence)
                    cap_hits = [x for x in self._find(cap.group("body")) if x.entry.kind == "org" and (
                        not cap.group("cap") or self.gaz.actor_type(x.entry.code, self.overlay) != "co-facilitators/chair")
                        and x.start <= 40] if cap and (resolved or not cap.group("cap")) else []
                    whole = self._lookup(cap.group("body").strip()) if cap and not cap.group("cap") else None
                    if whole is not None and whole.kind == "org":  # "the Group of 77 and China": one body
                        resolved = (whole.code, resolved[1] if resolved else None)
                        self.unplaced_speaker = False
                    elif cap_hits:
                        resolved = (cap_hits[0].entry.code, resolved[1] if resolved else None)
                        self.unplaced_speaker = False  # "He" next: the office named here
                    if resolved:
                        actor, person = resolved
                        add(actor, "speech", sentence[: sm.end()], person)
                        continue
                if sm:  # v13: coordinated subjects, each a speaker: "IOM and UNHCR stressed", "Mexico and Switzerland, as
                    # co-facilitators, presented" (every part must be one; "IOM and its partners stressed" gives none)
                    subj = re.sub(r",\s*as (?:the )?[^,]{2,40},?\s*$", "", sm.group("subj").strip())
                    parts = re.split(r",\s*(?:and\s+)?|\s+(?:and|as well as)\s+", re.sub(r"^(?:[Bb]oth)\s+", "", subj))
                    state = self.last_person, self.unplaced_speaker
                    both = [self._resolve_subject(part, pid, before) for part in parts] if 2 <= len(parts) <= 6 else []
                    if both and all(both):
                        for actor, person in both:
                            add(actor, "speech", sentence[: sm.end()], person)
                        continue
                    self.last_person, self.unplaced_speaker = state  # a part that is no speaker changes no turn
                # a second clause with its own speaker: "Several speakers called for …, while some delegates
                # cautioned against …"
                # v7: and a clause after a colon or semicolon ("… was voiced: one IOM staff member interviewed said")
                for cm in re.finditer(r",\s+(?:while|whereas)\s+|[:;]\s*(?=[A-Za-z])", sentence):
                    sub = _CLAUSE_RE.match(sentence[cm.end():])
                    resolved = self._resolve_subject(sub.group("subj"), pid, before) if sub else None
                    if resolved:
                        add(resolved[0], "speech", sentence[cm.end(): cm.end() + sub.end()], resolved[1])
                pm = _POLICY_RE.match(sentence)
                if pm:
                    owner = (self._resolve_subject(pm.group("subj"), pid, before) or (None,))[0] if pm.group(
                        "verb").startswith(("adopted", "launched")) else self._owner(pm.group("subj"), policy=True)
                    if owner:
                        add(owner, "speech", sentence[: pm.end()])
                        continue
                im = _IN_DOC_RE.match(sentence)
                if im and _OWNER_HEAD_RE.search(im.group("doc")) and (im.group("terms") or _IN_DOC_SAYS_RE.match(im.group("rest"))):
                    owner = self._leading_body(im.group("rest"), within=4) if im.group("its") else self._owner(im.group("doc"))
                    head = _OWNER_HEAD_RE.search(im.group("doc"))
                    if owner and head and head.group("doc") and (
                            not im.group("its") or head.start() <= len(im.group("doc").split()[0]) + 12):
                        add(owner, "speech", sentence[: im.start("rest")])
                for dm in _AS_IN_DOC_RE.finditer(sentence):
                    owner = self._owner(dm.group("doc"))
                    if owner:
                        add(owner, "speech", dm.group(0))
                for rx in _DOC_CLAUSE_RES:
                    for dm in rx.finditer(sentence):
                        owner = self._owner(dm.group("np"))
                        if owner:
                            add(owner, "speech", dm.group(0))
                pr = _PRESENTS_REPORT_RE.match(sentence)
                if pr and self._leading_body(pr.group("body")):
                    spoken = self._speaking(self._person(pr.group("name"), f"presenting the report of {pr.group('body')}", pid))
                    if spoken:
                        add(spoken[0], "speech", pr.group(0), spoken[1])
                # the passive with its agent; "in an interview with X, it was noted"
                agents = [m for m in (_PASSIVE_RE.search(sentence), _INTERVIEW_RE.search(sentence)) if m]
                found = [(m, r) for m in agents if (r := self._resolve_subject(m.group("agent"), pid, before))]
                if found:
                    m, resolved = found[0]
                    add(resolved[0], "speech", m.group(0), resolved[1])
                    if m.re is _PASSIVE_RE:  # "… were made by A, the President of B and C, followed by D as Chair of E"
                        for chunk in re.split(r",\s+(?:and\s+)?|,?\s+followed by\s+", sentence[m.end("agent"):].rstrip(". ")):
                            whole = self._resolve_subject(chunk, pid, before) if chunk.strip() else None
                            for more in [whole] if whole else [self._resolve_subject(part, pid, before)
                                                               for part in chunk.split(" and the ") if part.strip()]:
                                if more:
                                    add(more[0], "speech", m.group(0), more[1])
                    continue
                bm = _BY_AGENT_RE.search(sentence)  # beside "according to": "According to ODI, … recommended by the G8"
                resolved = self._resolve_subject(bm.group("agent"), pid, before) if bm else None
                if bm and not resolved:  # the agent runs on into the verb: "examples noted by the IOM corroborate"
                    first = self._leading_body(bm.group("agent"), within=4)
                    resolved = (first, None) if first else None
                if resolved:
                    add(resolved[0], "speech", bm.group(0), resolved[1])
                for rx in (_VIEW_OF_RE, _SPEAKER_BETWEEN_RE, _SPEAKER_AFTER_RE, _SPEAKER_INVERTED_RE):
                    wm = rx.search(sentence)
                    who = wm and (wm.group("subj") or wm.groupdict().get("putter"))
                    resolved = self._resolve_subject(who, pid, before) if who else None
                    if resolved:
                        add(resolved[0], "speech", wm.group(0).strip(" ,"), resolved[1])
                        break
                am = _ACCORDING_RE.search(sentence)
                dm = am and (_DOC_SUBJECT_RE.match(am.group(1)) or _STUDY_BY_RE.match(am.group(1)))
                if dm:  # "According to a recent report by the Overseas Development Institute, …"
                    entry = self._lookup(dm.group("author").strip())
                    if entry is not None and entry.kind in ("org", "country"):
                        add(entry.code, "speech", am.group(0))
                        continue
                if am:
                    hits = _without_offices(self._find(am.group(1)))
                    if len(hits) == 1 and hits[0].entry.kind in ("org", "country") and not _SUBJ_BLOCK.search(am.group(1)):
                        add(hits[0].entry.code, "speech", am.group(0))

    def _labelled_commitment(self, text: str, add: _Add) -> None:
        """A commitment listed under its state or body: "Belize: Expand access to regularization …", "Costa
        Rica – will provide …". The label must be nothing but the name, and what follows must open with a verb of
        doing or committing (not "Mexico: 1.2 million migrants")."""
        lm = _LABELLED_COMMITMENT_RE.match(text)
        if not lm:
            return
        hits = [h for h in self._find(lm.group("label")) if h.entry.kind in ("country", "org")
                and h.entry.code not in COLLECTIVE]
        if len(hits) == 1 and _LIST_GLUE_RE.fullmatch(lm.group("label")[:hits[0].start] + lm.group("label")[hits[0].end:]):
            add(hits[0].entry.code, "commitment", lm.group(0))

    def _commitments(self, sentence: str, add: _Add) -> None:
        """States and bodies that commit or announce, alone or listed together, as the sentence's subject:
        "Mexico, Guatemala, Canada, and Spain are also making commitments …", "In April of 2023, the United
        States, Panama, and Colombia announced …", "Canada will welcome up to 4,000 refugees …". The subject
        must be nothing but their names (a country named inside a longer subject is not speaking); "will" and "is
        committed to" count for states only."""
        cm = _COMMIT_RE.match(sentence)
        if not cm:
            return
        subj = cm.group("subj")
        hits = [h for h in self._find(subj) if h.entry.kind in ("country", "org") and h.entry.code not in COLLECTIVE]
        # a state that will do something or is committed to it speaks for its policy; a body's plans and its
        # standing mission statement ("IOM is committed to the principle …") are activities and boilerplate
        if not hits or (cm.group("state_only") and any(h.entry.kind != "country" for h in hits)):
            return
        rest, last = [], 0
        for h in hits:
            rest.append(subj[last:h.start])
            last = h.end
        rest.append(subj[last:])
        if _LIST_GLUE_RE.fullmatch(" ".join(rest)):
            for h in hits:
                add(h.entry.code, "commitment", cm.group(0))

    def _presenters(self, pid: str, stripped: str, kind: str, matches: list[Match], add: _Add) -> None:
        """Presenters: SDG indicator updates, agenda entries, papers listed with their bodies."""
        # presenters: SDG indicator updates, agenda entries, papers by their bodies
        for m in re.finditer(r"\(\d{1,2}\.[a-z0-9]{1,2}\.\d{1,2}[^()]*tier[^()]*\)\s*", stripped):
            after = [x for x in matches if x.start >= m.end() and x.start <= m.end() + 3 and x.entry.kind == "org"]
            if after:
                add(after[0].entry.code, "presenter", stripped[m.start(): after[0].end])
                prev = after[0]  # bodies joined to it: "Population Division/UN DESA and IOM"
                for x in (x for x in matches if x.start >= prev.end):
                    if x.entry.kind != "org" or not re.fullmatch(r"\s*(?:/|and|,|&)\s*", stripped[prev.end: x.start]):
                        break
                    add(x.entry.code, "presenter", stripped[m.start(): x.end])
                    prev = x
        word = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Za-zà-ÿ'’]+)*"  # "Jean-Christophe"
        # a name is followed by a comma: without one, the names pattern is not tried at every capitalised word
        names = re.finditer(rf"(?:(?<=^)|(?<=\s))(?:Moderator:\s*)?((?:{word}\s+){{1,3}}{word}),\s+", stripped) if "," in stripped else ()
        for pm in names:
            name = pm.group(1)
            # "… of the Statistical Commission Stefan Schweinfest, …": a title's words run into the name
            last_block = list(_NOT_NAME.finditer(name))
            if last_block and len(name[last_block[-1].end():].split()) >= 2:
                name = name[last_block[-1].end():].strip()
            if re.search(r"\bby\s*$", stripped[: pm.start()]):
                continue  # "This report was prepared by Barbara Kobler, …": its authors, not presenters
            if (self.gaz.lookup(name) or any(self.gaz.lookup(w) for w in name.split()) or name in self.gaz.places
                    or _NOT_NAME.search(name)):
                continue
            tail = stripped[pm.end(): pm.end() + 130]
            if not tail[:1].isupper() or kind == "table_row":
                continue
            self._adhoc_bodies(tail)  # "Justin Gest, George Mason University": a body the tables do not know
            hits = [x for x in self._find(tail)]
            if not hits:
                continue
            # the affiliation ends the entry: followed by the end, a bracket or a new capitalised title
            last = None
            for k, x in enumerate(hits):
                nxt = tail[x.end: x.end + 2]
                # the end, a bracket, a new capitalised title or a time ("OECD 6.30 - 8.30 Reception"), or a slash
                # before the body the affiliation belongs to ("Statistics Division/UN DESA")
                if x.entry.kind in ("org", "country") and (nxt == "" or nxt[:1] in "(\n/" or re.match(r"\s[A-Z(\[\d]", nxt)):
                    last = x
                    # "Office for ECOSOC Support and Coordination/UN DESA": the body after the slash
                    for y in hits[k + 1:]:
                        if y.entry.kind == "org" and re.fullmatch(r"[^/.:]{0,60}/\s*", tail[last.end: y.start]):
                            last = y
                    break
            between = tail[: last.start] if last is not None else ""
            if last is not None and re.match(r"\s*(?:\([^()]{1,20}\))?\s*,\s+[a-z]", tail[last.end:]):
                continue  # prose, not an agenda entry: "Mr. David Malone, Rector of the UNU (UNU), informed …"
            if (last is not None and last.start <= 80 and "." not in between.replace("Mr.", "").replace("Ms.", "")
                    and ":" not in between and len(between.split()) <= 12):
                p = Person(name, tail[: last.end].strip(), last.entry.code, pid)
                self.found_people.append(p)
                self.people.setdefault(name, p)
                add(last.entry.code, "presenter", f"{name}, {tail[: last.end].strip()}", name)
        if stripped.startswith(("•", "-", "–")) or kind in ("item", "bullet"):
            tail = stripped.rstrip(". ").rsplit(". ", 1)[-1] if ". " in stripped else ""
            parts = [p.strip() for p in re.split(r"\s*/\s*|\s*&\s*", tail)] if tail else []
            # "… & the University of Ottawa’s Refugee Hub": the body, less an article and its unit after ’s
            entries = [self._lookup(re.sub(r"(?:'s|’s)\s.*$", "", re.sub(r"^(?:the|The)\s+", "", p))) for p in parts]
            if parts and all(e is not None and e.kind == "org" for e in entries):
                for e in entries:
                    add(e.code, "presenter", tail)
            sym = re.match(r"^[•\-–]\s*(.+?)\s+(?:[A-Z]+/){2,}\S+$", stripped)
            if sym:
                hits = self._find(sym.group(1))
                if hits and all(h.entry.kind == "org" for h in hits) and len({h.entry.code for h in hits}) == 1:
                    add(hits[0].entry.code, "presenter", stripped)

    def _sections(self, stripped: str, kind: str, matches: list[Match], claims: list[Claim], add: _Add) -> list[Claim]:
        """An agenda affiliation carried over, the section a line opens, and the section body of a passage without a
        claim of its own."""
        # an agenda entry's affiliation carried over to the next line: "United Nations Office on Drugs and Crime
        # (UNODC) Moderator: Bela Hovy, …"
        lead = [x for x in matches if x.start == 0 and x.entry.kind == "org"]
        if lead and re.match(r"\s*(?:\([^()]{1,20}\))?\s*(?:Moderator|Chair|Discussants?|Panellists?|Speakers?)\s*:",
                             stripped[lead[0].end:]):
            add(lead[0].entry.code, "presenter", stripped[: lead[0].end + 40])
        # section bodies: a line that only names a body starts its section
        bare = stripped.rstrip(":")
        if lead and len(bare) < 120 and re.fullmatch(r"\s*(?:\([^()]*\))?", bare[lead[0].end:]):
            self.section_actor = (lead[0].entry.code or "", bare)
            return claims
        if lead and self.gaz.actor_type(lead[0].entry.code) == "regional commission":
            rest = stripped[lead[0].end:].lstrip()
            if rest[:1].isupper() and not re.match(r"^[A-Z][\w-]*\s+(?:" + _VERBS + r")\b", rest) and not rest.startswith("("):
                add(lead[0].entry.code, "section", lead[0].text)
        title_line = (kind == "paragraph" and len(stripped) < 160 and not stripped.endswith((".", ":", ";"))
                      and not stripped.startswith(("(", "•", "-", "–", "●")) and not _ITEM_PREFIX_RE.match(stripped)
                      and not re.search(r"[“”\"]", stripped))  # a document's title in a list of documents
        if kind == "heading" or title_line or (len(stripped) < 80 and not stripped.endswith(":")
                                               and not stripped.startswith("(")
                                               and kind not in ("item", "bullet", "numbered") and not matches):
            self.section_actor = None
            self.last_person = None if kind == "heading" else self.last_person
            self.unplaced_speaker = False if kind == "heading" else self.unplaced_speaker
        elif self.section_actor and not claims:
            add(self.section_actor[0], "section", self.section_actor[1])
        return claims
