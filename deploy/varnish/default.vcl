# Varnish in front of the app nodes: serves anonymous readers from its cache, passes
# everything personal, is purged by surrogate key, and keeps serving the last good page
# while every node is down. Varnish 7.1 with varnish-modules (xkey), as Debian ships them.
#
# The backends and their director come from backends.vcl, found on varnishd's vcl_path.
# `python -m tools.stack` writes one for its loopback nodes; a deployment writes one for
# its machines (deploy/README.md shows it). It must define a director named `app`, e.g.:
#
#   probe healthz {
#       .url = "/healthz"; .interval = 1s; .window = 5; .threshold = 3; .timeout = 2s;
#   }
#   backend node1 { .host = "10.0.0.11"; .port = "8000"; .probe = healthz; }
#   backend node2 { .host = "10.0.0.12"; .port = "8000"; .probe = healthz; }
#   sub vcl_init {
#       new app = directors.round_robin();
#       app.add_backend(node1);
#       app.add_backend(node2);
#   }

vcl 4.1;

import directors;
import std;
import xkey;

include "backends.vcl";

# Who may PURGE: the app nodes and their task workers. To extend it, add the workers'
# addresses or networks here ("10.0.0.0"/24;) and reload the VCL.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        # From the app's workers directly: not through a proxy in front (which would make
        # every reader look like loopback), so no address before the sender's own.
        if (client.ip !~ purgers || req.http.X-Forwarded-For != "" + client.ip) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "PURGE needs a Surrogate-Key header"));
        }
        # Soft: the objects expire but stay in grace, so that with every node down the
        # last good page is still served; while a node answers, grace is 0 (below), so the
        # next reader gets the page afresh. Takes space-separated keys; returns a count.
        return (synth(200, "Purged " + xkey.softpurge(req.http.Surrogate-Key)));
    }

    # Pages are cached by Host: a client's own forwarded host must not reach the app.
    unset req.http.X-Forwarded-Host;
    set req.backend_hint = app.backend();
    # While a node answers, never serve an expired (or purged) object: fetch it. With
    # every node sick, the object's whole grace (24 h) applies: the last good page.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }

    # Only GET and HEAD are ever answered from the cache.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A session is a signed-in (or signing-in) reader: their pages are theirs alone.
    if (req.http.Cookie ~ "(^|;)\s*sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # A piece's comments feed is a shared page like the piece (purged with its discussion).
    if ((req.url ~ "^/(admin|accounts|account|moderation|comments)/" || req.url ~ "^/healthz")
        && req.url !~ "^/comments/on/[0-9]+/feed/(\?|$)") {
        return (pass);
    }

    # What is left is the same for every anonymous reader: no cookie matters, and
    # tracking parameters and their order must not make new cache entries.
    unset req.http.Cookie;
    if (req.url ~ "[?&](utm_[^=&]*|fbclid|gclid|mc_cid|mc_eid)(=|&|$)") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[^=&]*|fbclid|gclid|mc_cid|mc_eid)(=[^&]*)?(&|$)", "");
    }
    set req.url = std.querysort(req.url);
    set req.url = regsub(req.url, "[?&]+$", "");
    return (hash);
}

sub vcl_backend_response {
    # A failed refresh keeps the stale object instead of replacing it with the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # Only what the app marks public, and never a response that sets a cookie: anything
    # else is fetched afresh for each request (hit-for-miss, so a later public answer is
    # cached at once). Varnish has already taken the TTL from s-maxage over max-age.
    if (beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)"
        || beresp.http.Set-Cookie
        || beresp.ttl <= 0s) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # xkey indexes the object under each space-separated key of its xkey header. A 304
    # revalidation carries no keys: the object keeps the ones it has.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Key;
    }
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_backend_error {
    # A node that died between probes: try a GET once more on the next node.
    if (bereq.method == "GET" && bereq.retries == 0) {
        return (retry);
    }
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    # Nothing to serve and no node answered: say so as the app's own 503 page does.
    set beresp.status = 503;
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "10";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = {"<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Back in a moment</title>
<h1>Back in a moment</h1>
<p>The site cannot answer just now. Nothing you sent is lost if you were told it was
received. Please try again in a few seconds.</p></html>
"};
    return (deliver);
}

sub vcl_synth {
    # Answers to PURGE are read by the app's task, not by people: a line of text.
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for purging, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
