#!/usr/bin/python3
"""Read an iCalendar file with one of two independent Python readers and
print every occurrence it holds, as canonical JSON.

    /usr/bin/python3 icalcheck.py icalendar FILE.ics
    /usr/bin/python3 icalcheck.py vobject FILE.ics

The readers are Debian's python3-icalendar and python3-vobject (apt-get
install -y python3-icalendar python3-vobject); they install into the
system interpreter, hence /usr/bin/python3. Each event is read with the
library's own parser (unfolding, unescaping, time zones); a recurring
event is expanded with python-dateutil (vobject: its own rruleset;
icalendar: dateutil.rrule on the local wall times, each then localized in
the event's zone as icalendar localizes a DTSTART), minus its EXDATEs, and
an event with a RECURRENCE-ID replaces the occurrence it names.

Known limits of python3-icalendar 4.0.3 (Debian 12), which this script
leaves as they are: it splits a CATEGORIES item on an escaped comma, and
reads the text %2C, %3A, %3B and %5C as , : ; and \ in any value.

The output is a JSON list sorted by (start, uid, summary) of objects with
uid, start (the UTC instant, 2006-01-02T15:04:05Z), summary, description,
categories (a list) and status. Exit status 2 means a reader failed or
the file holds something the script does not expect (an override for an
occurrence the series does not have, say).
"""

import datetime
import json
import re
import sys

MAX_OCCURRENCES = 100000
UTC = datetime.timezone.utc


def fail(msg):
    print("icalcheck: " + msg, file=sys.stderr)
    sys.exit(2)


def utc(dt):
    if not isinstance(dt, datetime.datetime):
        fail("not a DATE-TIME: %r" % (dt,))
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        fail("a floating DATE-TIME: %r" % (dt,))
    return dt.astimezone(UTC)


def stamp(dt):
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%SZ")


def split_categories(raw):
    """Split a CATEGORIES value (still escaped) on its unescaped commas and
    unescape each item, for a reader that hands the value over whole."""
    items, cur, i = [], [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            cur.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        if c == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur))
    return items


def expand(series, exdates, overrides):
    """Apply overrides (uid, original instant) -> occurrence to the
    occurrences of series, minus exdates; return the list shown."""
    out = []
    for uid, occs in series.items():
        removed = exdates.get(uid, set())
        for key, occ in occs:
            if (uid, key) in overrides:
                out.append(overrides.pop((uid, key)))
            elif key not in removed:
                out.append(occ)
    if overrides:
        fail("RECURRENCE-ID with no occurrence: %r" % sorted(overrides))
    return out


def read_icalendar(data):
    import icalendar
    import pytz
    from dateutil import rrule

    cal = icalendar.Calendar.from_ical(data)
    series, exdates, overrides, singles = {}, {}, {}, []
    for ev in cal.walk("VEVENT"):
        uid = str(ev.get("UID"))
        start = ev.decoded("DTSTART")
        cats = []
        lines = ev.get("CATEGORIES", [])
        for line in lines if isinstance(lines, list) else [lines]:
            cats.extend(str(c) for c in line.cats)
        occ = {
            "uid": uid,
            "summary": str(ev.get("SUMMARY", "")),
            "description": str(ev.get("DESCRIPTION", "")),
            "categories": cats,
            "status": str(ev.get("STATUS", "")),
        }
        if ev.get("RECURRENCE-ID") is not None:
            key = stamp(ev.decoded("RECURRENCE-ID"))
            overrides[(uid, key)] = dict(occ, start=stamp(start))
            continue
        if ev.get("RRULE") is None:
            singles.append(dict(occ, start=stamp(start)))
            continue
        tz = start.tzinfo
        rule = ev.get("RRULE").to_ical().decode("ascii")
        until = re.search(r"UNTIL=(\d{8}T\d{6}Z)", rule)
        naive = start.replace(tzinfo=None)
        if until:
            u = datetime.datetime.strptime(until.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            local_until = u.astimezone(tz).replace(tzinfo=None)
            rule = rule.replace(until.group(0), "UNTIL=" + local_until.strftime("%Y%m%dT%H%M%S"))
        rset = rrule.rruleset()
        rset.rrule(rrule.rrulestr(rule, dtstart=naive))
        rset.rdate(naive)  # RFC 5545: DTSTART is the first occurrence
        occs = []
        for i, wall in enumerate(rset):
            if i >= MAX_OCCURRENCES:
                fail("more than %d occurrences" % MAX_OCCURRENCES)
            at = tz.localize(wall) if hasattr(tz, "localize") else wall.replace(tzinfo=tz)
            occs.append((stamp(at), dict(occ, start=stamp(at))))
        series.setdefault(uid, []).extend(occs)
        ex = exdates.setdefault(uid, set())
        lists = ev.get("EXDATE", [])
        if not isinstance(lists, list):
            lists = [lists]
        for lst in lists:
            for d in lst.dts:
                ex.add(stamp(d.dt))
    return singles + expand(series, exdates, overrides)


def read_vobject(data):
    import vobject

    cal = vobject.readOne(data.decode("utf-8"))
    series, exdates, overrides, singles = {}, {}, {}, []
    for ev in cal.contents.get("vevent", []):
        uid = ev.uid.value
        start = ev.dtstart.value
        cats = []
        for line in ev.contents.get("categories", []):
            v = line.value
            cats.extend(v if isinstance(v, list) else split_categories(v))
        occ = {
            "uid": uid,
            "summary": ev.summary.value if "summary" in ev.contents else "",
            "description": ev.description.value if "description" in ev.contents else "",
            "categories": cats,
            "status": ev.status.value if "status" in ev.contents else "",
        }
        if "recurrence-id" in ev.contents:
            key = stamp(ev.recurrence_id.value)
            overrides[(uid, key)] = dict(occ, start=stamp(start))
            continue
        rset = ev.getrruleset(addRDate=True)  # with EXDATEs applied
        if rset is None:
            singles.append(dict(occ, start=stamp(start)))
            continue
        occs = []
        for i, at in enumerate(rset):
            if i >= MAX_OCCURRENCES:
                fail("more than %d occurrences" % MAX_OCCURRENCES)
            occs.append((stamp(at), dict(occ, start=stamp(at))))
        series.setdefault(uid, []).extend(occs)
    return singles + expand(series, exdates, overrides)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("icalendar", "vobject"):
        fail("usage: icalcheck.py icalendar|vobject FILE.ics")
    with open(sys.argv[2], "rb") as f:
        data = f.read()
    try:
        occs = (read_icalendar if sys.argv[1] == "icalendar" else read_vobject)(data)
    except ImportError as e:
        fail("%s: apt-get install -y python3-icalendar python3-vobject" % e)
    occs.sort(key=lambda o: (o["start"], o["uid"], o["summary"]))
    json.dump(occs, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
