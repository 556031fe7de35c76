/* html.c - report.html: one self-contained page a person reads and filters in a browser. */
#include "report/report.h"
#include "report/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/timefmt.h"
#include "base/uuid.h"

/* Every string from a result passes through here: & < > " ' escaped, control characters and
 * invalid UTF-8 replaced. That suffices inside element text and double-quoted attributes,
 * the only two places the page puts such strings (never inside <script>, <style>, a URL or an
 * event handler). */
#define HTML (CF_CLEAN_XML | CF_CLEAN_QUOTES)

static cf_rc esc(cf_buf *out, const char *s)
{
    return cf_report_clean(out, s ? s : "", CF_REPORT_FIELD_MAX, HTML);
}

/* Appends a literal fragment, the escaped string, then another literal fragment. */
static cf_rc wrap(cf_buf *out, const char *before, const char *s, const char *after)
{
    cf_rc rc = cf_buf_adds(out, before);
    if (rc == CF_OK)
        rc = esc(out, s);
    return rc == CF_OK ? cf_buf_adds(out, after) : rc;
}

/* Strict CSP: scripts only with this page's nonce, so even markup that escaped escaping could
 * not run a script or an event handler; nothing is fetched (no images, fonts, connections). */
static const char head_a[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; script-src 'nonce-";
static const char head_b[] =
    "'\">\n<title>conform report</title>\n<style>\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
    "color:#1f2328;background:#f6f8fa}\n"
    "header{background:#24292f;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#d0d7de}\n"
    "main{padding:16px 24px;max-width:1200px}\n"
    "h2{font-size:16px;margin:22px 0 8px}\n"
    ".cards{display:flex;gap:10px;flex-wrap:wrap}\n"
    ".card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;"
    "min-width:90px}\n.card b{display:block;font-size:22px}\n"
    ".pass{color:#1a7f37}.fail{color:#cf222e}.skip{color:#9a6700}\n"
    ".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;"
    "background:#eaeef2}\n.badge.fail{background:#ffebe9}.badge.pass{background:#dafbe1}"
    ".badge.skip{background:#fff8c5}\n"
    "table{border-collapse:collapse;background:#fff;width:100%}\n"
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#eaeef2}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".bar{background:#eaeef2;border-radius:3px;height:8px;width:120px;display:inline-block}\n"
    ".bar i{display:block;height:8px;border-radius:3px;background:#1a7f37}\n"
    ".filters{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;"
    "position:sticky;top:0;z-index:1}\n.filters label{margin-right:14px}\n"
    ".group{background:#fff;border:1px solid #d0d7de;border-left:4px solid #cf222e;"
    "border-radius:6px;margin:10px 0;padding:8px 12px}\n"
    ".group h3{margin:0 0 4px;font-size:15px}\n"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px 8px;overflow:auto;"
    "white-space:pre-wrap;word-break:break-all;margin:4px 0;font-size:12px}\n"
    "code{font-size:12px}\n.muted{color:#57606a}\n[hidden]{display:none!important}\n"
    "</style>\n</head>\n<body>\n";

/* Filters: hide what does not match; lists sit in data-* attributes as JSON arrays. The only
 * DOM writes are attributes and textContent: nothing from the data is parsed as markup. */
static const char script_b[] =
    "\">\n"
    "(function () {\n"
    "  var keys = ['outcome', 'op', 'check', 'tag'];\n"
    "  var items = document.querySelectorAll('[data-outcome]');\n"
    "  function list(el, name) {\n"
    "    try { return JSON.parse(el.getAttribute(name) || '[]'); } catch (e) { return []; }\n"
    "  }\n"
    "  function apply() {\n"
    "    var want = {}, shown = 0;\n"
    "    keys.forEach(function (k) { want[k] = document.getElementById('f-' + k).value; });\n"
    "    items.forEach(function (el) {\n"
    "      var ok = (!want.outcome || el.getAttribute('data-outcome') === want.outcome) &&\n"
    "        (!want.op || el.getAttribute('data-op') === want.op) &&\n"
    "        (!want.check || list(el, 'data-checks').indexOf(want.check) >= 0) &&\n"
    "        (!want.tag || list(el, 'data-tags').indexOf(want.tag) >= 0);\n"
    "      el.hidden = !ok;\n"
    "      if (ok && el.tagName === 'TR') shown++;\n"
    "    });\n"
    "    document.getElementById('shown').textContent = shown + ' shown';\n"
    "  }\n"
    "  function remember() {\n"
    "    var parts = [];\n"
    "    keys.forEach(function (k) {\n"
    "      var v = document.getElementById('f-' + k).value;\n"
    "      if (v) parts.push(k + '=' + encodeURIComponent(v));\n"
    "    });\n"
    "    history.replaceState(null, '', parts.length ? '#' + parts.join('&') : '#');\n"
    "  }\n"
    "  /* A link can carry a selection: report.html#outcome=failed&op=Name */\n"
    "  location.hash.slice(1).split('&').forEach(function (kv) {\n"
    "    var at = kv.indexOf('='), el;\n"
    "    try {\n"
    "      el = document.getElementById('f-' + decodeURIComponent(kv.slice(0, at)));\n"
    "      if (at > 0 && el && el.tagName === 'SELECT')\n"
    "        el.value = decodeURIComponent(kv.slice(at + 1));\n"
    "    } catch (e) { /* a malformed link selects nothing */ }\n"
    "  });\n"
    "  keys.forEach(function (k) {\n"
    "    document.getElementById('f-' + k).addEventListener('change', function () {\n"
    "      apply();\n"
    "      remember();\n"
    "    });\n"
    "  });\n"
    "  apply();\n"
    "  document.body.setAttribute('data-ready', '1');\n"
    "})();\n"
    "</script>\n";

static const char *outcome_of(const cf_case_result *c)
{
    return !c->ran ? "not_run" : c->passed ? "passed" : "failed";
}

/* A JSON array of strings, escaped for an attribute value. */
typedef const char *(*nth_fn)(const cf_case_result *c, size_t i, size_t *n);

static const char *nth_tag(const cf_case_result *c, size_t i, size_t *n)
{
    *n = c->tag_count;
    return i < c->tag_count ? c->tags[i] : NULL;
}

/* Failed checks only: a case "has" a check in the filter when that check failed. */
static const char *nth_failed_check(const cf_case_result *c, size_t i, size_t *n)
{
    *n = c->check_count;
    return i < c->check_count && !c->checks[i].passed ? c->checks[i].id : NULL;
}

static cf_rc json_list_attr(cf_buf *out, const char *name, const cf_case_result *c, nth_fn nth)
{
    cf_buf json;
    cf_buf_init(&json, 4 * CF_REPORT_FIELD_MAX);
    cf_rc rc = cf_buf_addc(&json, '[');
    size_t n = 0, added = 0;
    nth(c, 0, &n);
    for (size_t i = 0; rc == CF_OK && i < n; i++) {
        size_t ignored;
        const char *s = nth(c, i, &ignored);
        if (!s)
            continue;
        rc = cf_buf_adds(&json, added++ ? ",\"" : "\"");
        for (const char *p = s; rc == CF_OK && *p;) {
            /* The bytes kept as they are in one add (this runs for every kept case). */
            const char *q = p;
            while (*q && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
                q++;
            rc = cf_buf_add(&json, p, (size_t)(q - p));
            if (rc == CF_OK && *q)
                rc = *q == '"' || *q == '\\' ? cf_buf_addf(&json, "\\%c", *q)
                                             : cf_buf_addf(&json, "\\u%04x", (unsigned char)*q);
            p = *q ? q + 1 : q;
        }
        if (rc == CF_OK)
            rc = cf_buf_addc(&json, '"');
    }
    if (rc == CF_OK)
        rc = cf_buf_addc(&json, ']');
    if (rc == CF_OK)
        rc = cf_buf_addc(out, ' ');
    if (rc == CF_OK)
        rc = cf_buf_adds(out, name);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "=\"");
    if (rc == CF_OK)
        rc = esc(out, cf_buf_str(&json));
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '"');
    cf_buf_free(&json);
    return rc;
}

/* data-outcome, data-op, data-checks and data-tags of one case (or group). */
static cf_rc filter_attrs(cf_buf *out, const cf_case_result *c)
{
    cf_rc rc = wrap(out, " data-outcome=\"", outcome_of(c), "\"");
    if (rc == CF_OK)
        rc = wrap(out, " data-op=\"", cf_report_case_operation(c), "\"");
    if (rc == CF_OK)
        rc = json_list_attr(out, "data-checks", c, nth_failed_check);
    return rc == CF_OK ? json_list_attr(out, "data-tags", c, nth_tag) : rc;
}

/* Distinct strings, in order of first appearance. */
typedef struct {
    const char **items;
    size_t count;
    size_t cap;
} strset;

static cf_rc strset_add(strset *s, const char *v)
{
    if (!v)
        return CF_OK;
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->items[i], v) == 0)
            return CF_OK;
    const char **items = cf_array_reserve(s->items, &s->cap, s->count, sizeof(*items), 16);
    if (!items)
        return CF_E_NOMEM;
    s->items = items;
    s->items[s->count++] = v;
    return CF_OK;
}

static cf_rc select_box(cf_buf *out, const char *key, const char *label, const strset *values)
{
    cf_rc rc = cf_buf_addf(out, "<label>%s <select id=\"f-%s\"><option value=\"\">all</option>",
                           label, key);
    for (size_t i = 0; rc == CF_OK && i < values->count; i++) {
        rc = wrap(out, "<option value=\"", values->items[i], "\">");
        if (rc == CF_OK)
            rc = wrap(out, "", values->items[i], "</option>");
    }
    return rc == CF_OK ? cf_buf_adds(out, "</select></label>\n") : rc;
}

static cf_rc filters(cf_buf *out, const cf_run_result *r)
{
    strset ops = {0}, checks = {0}, tags = {0};
    static const char *const outcomes[] = {"failed", "passed", "not_run"};
    strset outs = {(const char **)outcomes, 3, 3};
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        rc = strset_add(&ops, cf_report_case_operation(c));
        for (size_t k = 0; rc == CF_OK && k < c->check_count; k++)
            if (!c->checks[k].passed)
                rc = strset_add(&checks, c->checks[k].id);
        for (size_t k = 0; rc == CF_OK && k < c->tag_count; k++)
            rc = strset_add(&tags, c->tags[k]);
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<div class=\"filters\">");
    if (rc == CF_OK)
        rc = select_box(out, "outcome", "outcome", &outs);
    if (rc == CF_OK)
        rc = select_box(out, "op", "operation", &ops);
    if (rc == CF_OK)
        rc = select_box(out, "check", "failed check", &checks);
    if (rc == CF_OK)
        rc = select_box(out, "tag", "tag", &tags);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<span id=\"shown\" class=\"muted\"></span></div>\n");
    free(ops.items);
    free(checks.items);
    free(tags.items);
    return rc;
}

static cf_rc card(cf_buf *out, const char *cls, const char *label, const char *value)
{
    return cf_buf_addf(out, "<div class=\"card\"><b class=\"%s\">%s</b>%s</div>\n", cls, value,
                       label);
}

static cf_rc summary(cf_buf *out, const cf_run_result *r)
{
    size_t passed = 0, failed = 0, not_run = 0;
    for (size_t i = 0; i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        not_run += !c->ran;
        passed += c->ran && c->passed;
        failed += c->ran && !c->passed;
    }
    char v[64];
    cf_rc rc = cf_buf_adds(out, "<section class=\"cards\">\n");
    snprintf(v, sizeof(v), "%zu", r->count);
    if (rc == CF_OK)
        rc = card(out, "", "cases", v);
    snprintf(v, sizeof(v), "%zu", passed);
    if (rc == CF_OK)
        rc = card(out, "pass", "passed", v);
    snprintf(v, sizeof(v), "%zu", failed);
    if (rc == CF_OK)
        rc = card(out, failed ? "fail" : "", "failed", v);
    snprintf(v, sizeof(v), "%zu", not_run);
    if (rc == CF_OK)
        rc = card(out, not_run ? "skip" : "", "not run", v);
    snprintf(v, sizeof(v), "%zu", r->requests);
    if (rc == CF_OK)
        rc = card(out, "", "requests", v);
    snprintf(v, sizeof(v), "%.0f ms", r->duration_ms);
    if (rc == CF_OK)
        rc = card(out, "", "duration", v);
    if (rc == CF_OK && r->coverage_count) {
        snprintf(v, sizeof(v), "%.1f%%", cf_report_coverage_percent(r, NULL, NULL));
        rc = card(out, "", "spec coverage", v);
    }
    return rc == CF_OK ? cf_buf_adds(out, "</section>\n") : rc;
}

static cf_rc operations(cf_buf *out, const cf_run_result *r)
{
    cf_report_op *ops = NULL;
    size_t n = 0;
    cf_rc rc = cf_report_ops(r, &ops, &n);
    if (rc == CF_OK && n)
        rc = cf_buf_adds(out, "<h2>Operations</h2>\n<table><tr><th>operation</th><th>passed</th>"
                              "<th>failed</th><th>not run</th></tr>\n");
    for (size_t i = 0; rc == CF_OK && i < n; i++) {
        rc = wrap(out, "<tr><td>", ops[i].name, "</td>");
        if (rc == CF_OK)
            rc = cf_buf_addf(out,
                             "<td class=\"n pass\">%zu</td><td class=\"n%s\">%zu</td>"
                             "<td class=\"n\">%zu</td></tr>\n",
                             ops[i].passed, ops[i].failed ? " fail" : "", ops[i].failed,
                             ops[i].not_run);
    }
    if (rc == CF_OK && n)
        rc = cf_buf_adds(out, "</table>\n");
    free(ops);
    return rc;
}

static cf_rc item_list(cf_buf *out, const cf_op_coverage *op, int hit)
{
    cf_rc rc =
        cf_buf_addf(out, "<details><summary>%s</summary><ul>", hit ? "exercised" : "not exercised");
    for (size_t i = 0; rc == CF_OK && i < op->count; i++)
        if (!op->hit[i] == !hit)
            rc = wrap(out, "<li><code>", op->items[i], "</code></li>");
    return rc == CF_OK ? cf_buf_adds(out, "</ul></details>") : rc;
}

static cf_rc coverage(cf_buf *out, const cf_run_result *r)
{
    if (!r->coverage_count)
        return CF_OK;
    cf_rc rc = cf_buf_adds(out, "<h2>Spec coverage</h2>\n<table><tr><th>operation</th>"
                                "<th>coverage</th><th>items</th></tr>\n");
    for (size_t i = 0; rc == CF_OK && i < r->coverage_count; i++) {
        const cf_op_coverage *op = &r->coverage[i];
        size_t hit = 0;
        double p = cf_report_op_coverage(op, &hit);
        rc = wrap(out, "<tr><td>", op->operation, "<br><span class=\"muted\">");
        if (rc == CF_OK)
            rc = wrap(out, "", op->spec_file, "</span></td>");
        if (rc == CF_OK)
            rc = cf_buf_addf(out,
                             "<td><span class=\"bar\"><i style=\"width:%.0f%%\"></i></span> "
                             "%.1f%% (%zu/%zu)</td><td>",
                             p, p, hit, op->count);
        if (rc == CF_OK)
            rc = item_list(out, op, 0);
        if (rc == CF_OK)
            rc = item_list(out, op, 1);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "</td></tr>\n");
    }
    return rc == CF_OK ? cf_buf_adds(out, "</table>\n") : rc;
}

static cf_rc pre(cf_buf *out, const char *label, const char *text)
{
    cf_rc rc = cf_buf_addf(out, "<div class=\"muted\">%s</div><pre>", label);
    if (rc == CF_OK)
        rc = esc(out, text ? text : "(none)");
    return rc == CF_OK ? cf_buf_adds(out, "</pre>\n") : rc;
}

static cf_rc group(cf_buf *out, const cf_run_result *r, const cf_report_group *g)
{
    const cf_case_result *c = g->first;
    cf_rc rc = cf_buf_adds(out, "<section class=\"group\"");
    if (rc == CF_OK)
        rc = filter_attrs(out, c);
    if (rc == CF_OK)
        rc = wrap(out, "><h3>", g->check ? g->check->id : "failed", "</h3>\n<div>");
    if (rc == CF_OK)
        rc = wrap(out, "", g->operation, "");
    if (rc == CF_OK && g->exchange)
        rc = cf_buf_addf(out, " &middot; HTTP %ld", g->exchange->status);
    if (rc == CF_OK && g->exchange && g->exchange->error_code)
        rc = wrap(out, " &middot; <code>", g->exchange->error_code, "</code>");
    if (rc == CF_OK)
        rc = cf_buf_addf(out, " &middot; <span class=\"badge fail\">%zu case%s</span></div>\n",
                         g->count, g->count == 1 ? "" : "s");
    if (rc == CF_OK)
        rc = wrap(out, "<p><b>", c->id, "</b>");
    if (rc == CF_OK && c->summary)
        rc = wrap(out, " &mdash; ", c->summary, "");
    if (rc == CF_OK)
        rc = wrap(out, " <span class=\"muted\">", c->spec_file, "</span></p>\n<ul>");
    for (size_t i = 0; rc == CF_OK && i < c->check_count; i++) {
        const cf_check_result *k = &c->checks[i];
        if (k->passed)
            continue;
        rc = wrap(out, "<li><code>", k->id, "</code>");
        if (rc == CF_OK && k->step)
            rc = wrap(out, " [", k->step, "]");
        if (rc == CF_OK)
            rc = wrap(out, ": expected <b>", k->expected ? k->expected : "(nothing)", "</b>");
        if (rc == CF_OK)
            rc = wrap(out, ", got <b>", k->actual ? k->actual : "(nothing)", "</b></li>\n");
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</ul>\n");
    if (rc == CF_OK && g->exchange) {
        rc = pre(out, "request", g->exchange->request);
        if (rc == CF_OK)
            rc = pre(out, "response", g->exchange->response);
        if (rc == CF_OK)
            rc = pre(out, "replay with curl", g->exchange->curl);
    }
    if (rc == CF_OK && c->replay)
        rc = pre(out, "rerun", c->replay);
    if (rc == CF_OK && g->count > 1) {
        rc = cf_buf_addf(out, "<p class=\"muted\">also in %zu more case%s: ", g->count - 1,
                         g->count > 2 ? "s" : "");
        for (size_t i = 1; rc == CF_OK && i < g->count; i++)
            rc = wrap(out, i > 1 ? ", <code>" : "<code>", r->cases[g->cases[i]].id, "</code>");
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "</p>\n");
    }
    return rc == CF_OK ? cf_buf_adds(out, "</section>\n") : rc;
}

static cf_rc case_row(cf_buf *out, const cf_case_result *c)
{
    static const char *const cls[] = {"skip", "pass", "fail"};
    const char *o = outcome_of(c);
    const char *k = cls[!c->ran ? 0 : c->passed ? 1 : 2];
    cf_rc rc = cf_buf_adds(out, "<tr class=\"case\"");
    if (rc == CF_OK)
        rc = filter_attrs(out, c);
    if (rc == CF_OK)
        rc = wrap(out, "><td><code>", c->id, "</code>");
    if (rc == CF_OK && c->summary)
        rc = wrap(out, "<br><span class=\"muted\">", c->summary, "</span>");
    if (rc == CF_OK)
        rc = wrap(out, "</td><td>", cf_report_case_operation(c), "</td>");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<td><span class=\"badge ");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, k);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "\">");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, o);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</span></td><td>");
    for (size_t i = 0, n = 0; rc == CF_OK && i < c->check_count; i++)
        if (!c->checks[i].passed)
            rc = wrap(out, n++ ? ", <code>" : "<code>", c->checks[i].id, "</code>");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</td><td>");
    for (size_t i = 0; rc == CF_OK && i < c->tag_count; i++)
        rc = wrap(out, "<span class=\"badge\">", c->tags[i], "</span> ");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</td><td class=\"n\">");
    if (rc == CF_OK)
        rc = cf_report_put_fixed(out, c->duration_ms, 1);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</td></tr>\n");
    return rc;
}

cf_rc cf_report_html(const cf_run_result *r, cf_buf *out)
{
    char nonce[33];
    cf_random_hex(nonce, 32);
    char started[25];
    cf_time_format_millis((int64_t)r->started_ms, started);
    cf_report_groups groups = {0};
    cf_rc rc = cf_report_groups_build(r, &groups);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, head_a);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, nonce);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, head_b);
    if (rc == CF_OK)
        rc = wrap(out, "<header><h1>conform report</h1><p>target <b>",
                  r->target ? r->target : "(none)", "</b>");
    if (rc == CF_OK)
        rc = cf_buf_addf(out, " &middot; started %s UTC &middot; conform %s", started,
                         CONFORM_VERSION);
    if (rc == CF_OK && r->incomplete)
        rc = cf_buf_adds(out, " &middot; <b>INCOMPLETE</b>: the run stopped early");
    if (rc == CF_OK && r->unreachable)
        rc = wrap(out, " &middot; <b>UNREACHABLE</b>: ", r->unreachable_why, "");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</p></header>\n<main>\n");
    if (rc == CF_OK)
        rc = summary(out, r);
    if (rc == CF_OK)
        rc = operations(out, r);
    if (rc == CF_OK)
        rc = coverage(out, r);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<h2>Filter</h2>\n");
    if (rc == CF_OK)
        rc = filters(out, r);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, "<h2>Failures (%zu distinct)</h2>\n", groups.count);
    for (size_t i = 0; rc == CF_OK && i < groups.count; i++)
        rc = group(out, r, &groups.items[i]);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<h2>Cases</h2>\n<table><tr><th>case</th><th>operation</th>"
                              "<th>outcome</th><th>failed checks</th><th>tags</th>"
                              "<th>ms</th></tr>\n");
    for (size_t i = 0; rc == CF_OK && i < r->count; i++)
        rc = case_row(out, &r->cases[i]);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</table>\n</main>\n");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "<script nonce=\"");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, nonce);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, script_b);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</body>\n</html>\n");
    cf_report_groups_cleanup(&groups);
    return rc;
}
