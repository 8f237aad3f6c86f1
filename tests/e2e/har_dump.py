# har_dump.py: a mitmdump addon that writes every flow it sees to a HAR 1.2 file, the way a
# customer running a proxy in front of their tool would capture one. Debian 12's mitmproxy
# (8.1.1) ships neither the `hardump` option (mitmproxy >= 10.1) nor the contrib script
# har_dump.py, so this is our own writer of the same entry shape (traces.md §2.2-2.4):
# startedDateTime in microseconds with "+00:00", postData for every POST even when empty
# (with both text and params), entries in completion order (written from the response and
# error hooks), and a flow with no response written as status 0 with `_error`.
# The whole file is rewritten after every entry, so it is complete whenever the proxy is
# stopped, whatever signal stops it.
#
#   mitmdump --mode reverse:http://127.0.0.1:PORT --set keep_host_header=true \
#            -s tests/e2e/har_dump.py --set hardump=out.har
#
# Runs on mitmproxy's event loop (one thread): no locking needed.
import base64
import json
from datetime import datetime, timezone

from mitmproxy import ctx


def _headers(fields):
    return [{"name": k, "value": v} for k, v in fields.items(multi=True)]


def _started(flow):
    return datetime.fromtimestamp(flow.request.timestamp_start, timezone.utc).isoformat()


def _ms(start, end):
    if start is None or end is None:
        return -1
    return max(0, round((end - start) * 1000))


def _content(message):
    raw = message.raw_content or b""
    try:
        text = message.get_text(strict=True) or ""
        return {"size": len(raw), "compression": 0,
                "mimeType": message.headers.get("content-type", ""), "text": text}
    except ValueError:
        return {"size": len(raw), "compression": 0,
                "mimeType": message.headers.get("content-type", ""),
                "text": base64.b64encode(raw).decode(), "encoding": "base64"}


class HarDump:
    def __init__(self):
        self.entries = []

    def load(self, loader):
        loader.add_option("hardump", str, "", "HAR file to write every flow to")

    def _write(self):
        if not ctx.options.hardump:
            return
        har = {"log": {"version": "1.2",
                       "creator": {"name": "ebsmock tests/e2e/har_dump.py", "version": "1"},
                       "pages": [], "entries": self.entries}}
        with open(ctx.options.hardump, "w", encoding="utf-8") as f:
            json.dump(har, f, indent=1)

    def _entry(self, flow):
        req = flow.request
        request = {
            "method": req.method,
            "url": req.url,
            "httpVersion": req.http_version,
            "cookies": [],
            "headers": _headers(req.headers),
            "queryString": [{"name": k, "value": v} for k, v in req.query.items(multi=True)],
            "headersSize": len(str(req.headers)),
            "bodySize": len(req.raw_content or b""),
        }
        if req.method in ("POST", "PUT", "PATCH"):
            text = req.get_text(strict=False) or ""
            request["postData"] = {
                "mimeType": req.headers.get("content-type", ""),
                "text": text,
                "params": [{"name": k, "value": v} for k, v in req.urlencoded_form.items(multi=True)],
            }
        entry = {"startedDateTime": _started(flow), "request": request, "cache": {}}
        resp = flow.response
        if resp is None:
            entry["response"] = {"status": 0, "statusText": "", "httpVersion": "", "cookies": [],
                                 "headers": [], "content": {"size": 0, "mimeType": "x-unknown"},
                                 "redirectURL": "", "headersSize": -1, "bodySize": -1}
            entry["_error"] = flow.error.msg if flow.error else "no response"
            entry["time"] = 0
            entry["timings"] = {"send": 0, "receive": 0, "wait": 0, "connect": -1, "ssl": -1}
        else:
            entry["response"] = {
                "status": resp.status_code, "statusText": resp.reason,
                "httpVersion": resp.http_version, "cookies": [],
                "headers": _headers(resp.headers), "content": _content(resp),
                "redirectURL": resp.headers.get("location", ""),
                "headersSize": len(str(resp.headers)), "bodySize": len(resp.raw_content or b""),
            }
            send = _ms(req.timestamp_start, req.timestamp_end)
            wait = _ms(req.timestamp_end, resp.timestamp_start)
            receive = _ms(resp.timestamp_start, resp.timestamp_end)
            entry["time"] = sum(t for t in (send, wait, receive) if t > 0)
            entry["timings"] = {"send": send, "receive": receive, "wait": wait, "connect": -1, "ssl": -1}
        if flow.server_conn and flow.server_conn.peername:
            entry["serverIPAddress"] = str(flow.server_conn.peername[0])
        return entry

    def response(self, flow):
        self.entries.append(self._entry(flow))
        self._write()

    def error(self, flow):
        self.entries.append(self._entry(flow))
        self._write()


addons = [HarDump()]
