/* report_json.c - report.json: the machine-readable record of a run, built with cJSON. */
#include "report/report.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/timefmt.h"
#include "report/internal.h"

/* Milliseconds rounded to microseconds, so the file does not carry 17 noisy digits. A value
 * past what a long long holds (or NaN) has no such digits and is kept as it is: converting it
 * would be undefined. */
static double ms3(double ms)
{
    double scaled = ms * 1000.0;
    if (!(scaled > -9e18 && scaled < 9e18))
        return ms;
    return (double)(long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5) / 1000.0;
}

/* A new string item holding s made valid UTF-8 and cut to CF_REPORT_FIELD_MAX, or a null item
 * when s is NULL; NULL when out of memory. */
/* Whether s goes into the report unchanged: ASCII (so valid UTF-8) within the field bound.
 * Nearly every string is; it then skips the copy cf_report_clean() would make. */
static int kept_as_is(const char *s)
{
    for (size_t i = 0; s[i]; i++)
        if ((unsigned char)s[i] >= 0x80 || i >= CF_REPORT_FIELD_MAX)
            return 0;
    return 1;
}

cJSON *cf_report_json_str(const char *s)
{
    if (!s)
        return cJSON_CreateNull();
    if (kept_as_is(s))
        return cJSON_CreateString(s);
    cf_buf b;
    cf_buf_init(&b, 3 * CF_REPORT_FIELD_MAX + 64); /* each invalid byte becomes 3 */
    cJSON *item = NULL;
    if (cf_report_clean(&b, s, CF_REPORT_FIELD_MAX, 0) == CF_OK)
        item = cJSON_CreateString(cf_buf_str(&b));
    cf_buf_free(&b);
    return item;
}

cf_rc cf_report_json_add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON *item = cf_report_json_str(s);
    if (!item || !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return CF_E_NOMEM;
    }
    return CF_OK;
}

/* For the trees of one case or exchange, printed and deleted while the case result they are
 * made of lives: a string kept as is is referenced, not copied, and the key (a literal) too.
 * Nothing here runs once per run: this is every request's cost. */
static cJSON *str_ref(const char *s)
{
    return s && kept_as_is(s) ? cJSON_CreateStringReference(s) : cf_report_json_str(s);
}

/* `key` is a literal everywhere: the item points at it instead of a copy. */
static cf_rc add_item(cJSON *obj, const char *key, cJSON *item)
{
    if (!item || !cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        return CF_E_NOMEM;
    }
    return CF_OK;
}

static cf_rc add_num(cJSON *obj, const char *key, double v)
{
    return add_item(obj, key, cJSON_CreateNumber(v));
}

static cf_rc add_bool(cJSON *obj, const char *key, int v)
{
    return add_item(obj, key, cJSON_CreateBool(v != 0));
}

static cf_rc add_str_ref(cJSON *obj, const char *key, const char *s)
{
    return add_item(obj, key, str_ref(s));
}

static const char *status_of(const cf_case_result *c)
{
    return !c->ran ? "not_run" : c->passed ? "passed" : "failed";
}

static cf_rc add_check(cJSON *arr, const cf_check_result *k)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return CF_E_NOMEM;
    }
    cf_rc rc = add_str_ref(o, "id", k->id);
    if (rc == CF_OK)
        rc = add_str_ref(o, "step", k->step);
    if (rc == CF_OK)
        rc = add_bool(o, "passed", k->passed);
    if (rc == CF_OK && !k->passed)
        rc = add_str_ref(o, "expected", k->expected);
    if (rc == CF_OK && !k->passed)
        rc = add_str_ref(o, "actual", k->actual);
    return rc;
}

static cf_rc add_exchange(cJSON *arr, const cf_exchange_record *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return CF_E_NOMEM;
    }
    cf_rc rc = add_str_ref(o, "step", e->step);
    if (rc == CF_OK && e->operation)
        rc = add_str_ref(o, "operation", e->operation);
    if (rc == CF_OK)
        rc = add_num(o, "status", (double)e->status);
    if (rc == CF_OK)
        rc = add_num(o, "elapsed_ms", ms3(e->elapsed_ms));
    if (rc == CF_OK && e->sent_ms > 0) {
        char sent[25];
        cf_time_format_millis((int64_t)e->sent_ms, sent);
        rc = cf_report_json_add_str(o, "sent_at", sent);
    }
    if (rc == CF_OK)
        rc = add_str_ref(o, "request", e->request);
    if (rc == CF_OK)
        rc = add_str_ref(o, "response", e->response);
    if (rc == CF_OK)
        rc = add_str_ref(o, "curl", e->curl);
    if (rc == CF_OK && e->error_code)
        rc = add_str_ref(o, "error_code", e->error_code);
    return rc;
}

static cf_rc add_case(cJSON *arr, const cf_case_result *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return CF_E_NOMEM;
    }
    cf_rc rc = add_str_ref(o, "spec", c->spec_file);
    if (rc == CF_OK)
        rc = add_str_ref(o, "spec_title", c->spec_title);
    if (rc == CF_OK)
        rc = add_str_ref(o, "id", c->id);
    if (rc == CF_OK)
        rc = add_str_ref(o, "summary", c->summary);
    if (rc == CF_OK && c->operation)
        rc = add_str_ref(o, "operation", c->operation);
    cJSON *tags = rc == CF_OK ? cJSON_AddArrayToObject(o, "tags") : NULL;
    if (rc == CF_OK && !tags)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < c->tag_count; i++) {
        cJSON *t = str_ref(c->tags[i]);
        if (!t || !cJSON_AddItemToArray(tags, t)) {
            cJSON_Delete(t);
            rc = CF_E_NOMEM;
        }
    }
    if (rc == CF_OK)
        rc = add_str_ref(o, "status", status_of(c));
    if (rc == CF_OK)
        rc = add_num(o, "duration_ms", ms3(c->duration_ms));
    if (rc == CF_OK)
        rc = add_str_ref(o, "replay", c->replay);
    /* The steps a scenario did not send after its first failed one: skipped, not judged. */
    if (rc == CF_OK && c->not_run)
        rc = add_str_ref(o, "not_run", c->not_run);
    cJSON *checks = rc == CF_OK ? cJSON_AddArrayToObject(o, "checks") : NULL;
    if (rc == CF_OK && !checks)
        rc = CF_E_NOMEM;
    /* A passed case lists the ids of the checks it held, no more: a few hundred bytes per
     * case however long the run. A failed or unrun case lists each check in full. */
    int brief = c->ran && c->passed;
    for (size_t i = 0; rc == CF_OK && i < c->check_count; i++) {
        if (!brief) {
            rc = add_check(checks, &c->checks[i]);
            continue;
        }
        cJSON *id = str_ref(c->checks[i].id);
        if (!id || !cJSON_AddItemToArray(checks, id)) {
            cJSON_Delete(id);
            rc = CF_E_NOMEM;
        }
    }
    if (rc == CF_OK && c->ran && !c->passed) {
        cJSON *ex = cJSON_AddArrayToObject(o, "exchanges");
        if (!ex)
            rc = CF_E_NOMEM;
        for (size_t i = 0; rc == CF_OK && i < c->exchange_count; i++)
            rc = add_exchange(ex, &c->exchanges[i]);
    }
    return rc;
}

/* A passed case, the line of nearly every case of a long run, is written straight into the
 * buffer: the same bytes cJSON_PrintUnformatted() prints for the tree add_case() builds (its
 * string escapes and number format), without building and freeing that tree per request. */

/* s as cJSON prints a string: '"', '\\' and the control bytes escaped, every other byte as is. */
static cf_rc put_escaped(cf_buf *out, const char *s)
{
    cf_rc rc = cf_buf_addc(out, '"');
    const char *plain = s;
    for (const char *p = s; rc == CF_OK && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c > 31 && c != '"' && c != '\\')
            continue;
        /* cJSON's two-character escapes, else \u00XX in lowercase hex. */
        static const char named[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
        const char *k = memchr(named, c, sizeof(named) - 1);
        char esc[8];
        if (k)
            esc[0] = '\\', esc[1] = letter[k - named], esc[2] = '\0';
        else
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        rc = cf_buf_add(out, plain, (size_t)(p - plain));
        if (rc == CF_OK)
            rc = cf_buf_adds(out, esc);
        plain = p + 1;
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(out, plain);
    return rc == CF_OK ? cf_buf_addc(out, '"') : rc;
}

/* Whether none of the eight bytes of w is one cJSON escapes or the report cleans: a byte
 * below 0x20 borrows ((w - 0x20..) & ~w), a quote or backslash is a zero byte of w ^ "..." /
 * w ^ "\\\\...", a byte from 0x80 has its top bit; no test flags a byte that is plain. */
static int plain_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high) == 0;
}

/* Length of the run of bytes at the start of s[0..len) that cJSON prints as they are and
 * the report keeps as they are: printable ASCII other than '"' and '\\', eight at a time. */
static size_t plain_run(const char *s, size_t len)
{
    size_t i = 0;
    while (len - i >= 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (!plain_word(w))
            break;
        i += 8;
    }
    if (i < len && len - i < 8) {
        /* The last bytes as one more word, padded with spaces (plain): most strings end
         * here, and a byte at a time cost more than the whole run before it. */
        uint64_t w = 0x2020202020202020u;
        memcpy(&w, s + i, len - i);
        if (plain_word(w))
            return len;
    }
    for (unsigned char c; i < len; i++)
        if ((c = (unsigned char)s[i]) < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
    return i;
}

/* What str_ref() makes of s, printed: null, s as is, or s made valid UTF-8 and cut. */
static cf_rc put_str(cf_buf *out, const char *s)
{
    if (!s)
        return cf_buf_adds(out, "null");
    /* Nearly every string is printable ASCII with no quote or backslash, well within the
     * bound: it is copied between its quotes in one go. */
    size_t n = strlen(s);
    if (n < CF_REPORT_FIELD_MAX && plain_run(s, n) == n) {
        cf_rc rc = cf_buf_addc(out, '"');
        if (rc == CF_OK)
            rc = cf_buf_add(out, s, n);
        return rc == CF_OK ? cf_buf_addc(out, '"') : rc;
    }
    if (kept_as_is(s))
        return put_escaped(out, s);
    cf_buf b;
    cf_buf_init(&b, 3 * CF_REPORT_FIELD_MAX + 64); /* each invalid byte becomes 3 */
    cf_rc rc = cf_report_clean(&b, s, CF_REPORT_FIELD_MAX, 0);
    if (rc == CF_OK)
        rc = put_escaped(out, cf_buf_str(&b));
    cf_buf_free(&b);
    return rc;
}

/* `,"key":` then s as put_str() writes it; `key` is a literal needing no escape. */
static cf_rc put_member(cf_buf *out, const char *key, const char *s)
{
    cf_rc rc = cf_buf_adds(out, ",\"");
    if (rc == CF_OK)
        rc = cf_buf_adds(out, key);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "\":");
    return rc == CF_OK ? put_str(out, s) : rc;
}

/* v as cJSON (print_number) prints a number: null for NaN and infinities, an integer as
 * "%d", else 15 significant digits when they read back as v, 17 otherwise. strtod() reads
 * back what cJSON's sscanf("%lg") would, at a fraction of its cost. */
static cf_rc put_num(cf_buf *out, double v)
{
    char text[32];
    /* A duration rounded to microseconds (ms3()), the number of every case: k / 1000 for an
     * integer k. When k / 1000.0 is v, its shortest decimal has at most 14 significant
     * digits and reads back as v, which is what "%1.15g" (or "%d") prints; it is written
     * here without printf's costly float conversion. */
    if (v > -1e11 && v < 1e11) {
        long long k = llround(v * 1000.0);
        if ((double)k / 1000.0 == v) {
            unsigned long long a = k < 0 ? (unsigned long long)-k : (unsigned long long)k;
            char *p = text + sizeof(text);
            *--p = '\0';
            unsigned f = (unsigned)(a % 1000);
            unsigned digit[3] = {f / 100, f / 10 % 10, f % 10};
            int last = f ? 2 : -1; /* the fraction without its trailing zeros */
            while (last >= 0 && digit[last] == 0)
                last--;
            for (int i = last; i >= 0; i--)
                *--p = (char)('0' + digit[i]);
            if (last >= 0)
                *--p = '.';
            for (unsigned long long whole = a / 1000;; whole /= 10) {
                *--p = (char)('0' + whole % 10);
                if (whole < 10)
                    break;
            }
            if (k < 0)
                *--p = '-';
            return cf_buf_adds(out, p);
        }
    }
    cJSON n;
    memset(&n, 0, sizeof(n));
    cJSON_SetNumberValue(&n, v); /* valueint as cJSON saturates it */
    if (isnan(v) || isinf(v)) {
        snprintf(text, sizeof(text), "null");
    } else if (v == (double)n.valueint) {
        snprintf(text, sizeof(text), "%d", n.valueint);
    } else {
        snprintf(text, sizeof(text), "%1.15g", v);
        double back = strtod(text, NULL);
        double most = fabs(back) > fabs(v) ? fabs(back) : fabs(v);
        if (!(fabs(back - v) <= most * DBL_EPSILON))
            snprintf(text, sizeof(text), "%1.17g", v);
    }
    return cf_buf_adds(out, text);
}

static cf_rc put_passed_case(const cf_case_result *c, cf_buf *out)
{
    cf_rc rc = cf_buf_adds(out, "{\"spec\":");
    if (rc == CF_OK)
        rc = put_str(out, c->spec_file);
    if (rc == CF_OK)
        rc = put_member(out, "spec_title", c->spec_title);
    if (rc == CF_OK)
        rc = put_member(out, "id", c->id);
    if (rc == CF_OK)
        rc = put_member(out, "summary", c->summary);
    if (rc == CF_OK && c->operation)
        rc = put_member(out, "operation", c->operation);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, ",\"tags\":[");
    for (size_t i = 0; rc == CF_OK && i < c->tag_count; i++) {
        if (i)
            rc = cf_buf_addc(out, ',');
        if (rc == CF_OK)
            rc = put_str(out, c->tags[i]);
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "],\"status\":\"passed\",\"duration_ms\":");
    if (rc == CF_OK)
        rc = put_num(out, ms3(c->duration_ms));
    if (rc == CF_OK)
        rc = put_member(out, "replay", c->replay);
    if (rc == CF_OK && c->not_run)
        rc = put_member(out, "not_run", c->not_run);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, ",\"checks\":[");
    for (size_t i = 0; rc == CF_OK && i < c->check_count; i++) {
        if (i)
            rc = cf_buf_addc(out, ',');
        if (rc == CF_OK)
            rc = put_str(out, c->checks[i].id);
    }
    return rc == CF_OK ? cf_buf_adds(out, "]}") : rc;
}

void cf_report_tally_add(cf_report_tally *t, const cf_case_result *c)
{
    if (!c->ran)
        t->not_run++;
    else if (c->passed)
        t->passed++;
    else
        t->failed++;
    t->checks += c->check_count;
    for (size_t k = 0; k < c->check_count; k++)
        t->checks_failed += !c->checks[k].passed;
}

/* Appends `o` printed on one line; with `open_end` its closing brace left off, with
 * `open_start` its opening one (head and tail of the file around the cases). */
static cf_rc print_obj(const cJSON *o, int skip_first, int skip_last, cf_buf *out)
{
    char *text = cJSON_PrintUnformatted(o);
    if (!text)
        return CF_E_NOMEM;
    size_t len = strlen(text);
    size_t from = skip_first && len ? 1 : 0;
    size_t to = skip_last && len ? len - 1 : len;
    cf_rc rc = to > from ? cf_buf_add(out, text + from, to - from) : CF_OK;
    cJSON_free(text);
    return rc;
}

/* percent (one decimal), exercised and items of a coverage figure. */
static cf_rc add_figures(cJSON *o, double percent, size_t hit, size_t total)
{
    cf_rc rc = add_num(o, "percent", (double)(long long)(percent * 10.0 + 0.5) / 10.0);
    if (rc == CF_OK)
        rc = add_num(o, "exercised", (double)hit);
    return rc == CF_OK ? add_num(o, "items", (double)total) : rc;
}

static cf_rc add_op_coverage(cJSON *arr, const cf_op_coverage *op)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return CF_E_NOMEM;
    }
    size_t hit = 0;
    double p = cf_report_op_coverage(op, &hit);
    cf_rc rc = cf_report_json_add_str(o, "operation", op->operation);
    if (rc == CF_OK)
        rc = cf_report_json_add_str(o, "spec", op->spec_file);
    if (rc == CF_OK)
        rc = add_figures(o, p, hit, op->count);
    cJSON *ex = rc == CF_OK ? cJSON_AddArrayToObject(o, "exercised_items") : NULL;
    cJSON *missing = ex ? cJSON_AddArrayToObject(o, "missing_items") : NULL;
    if (rc == CF_OK && !missing)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < op->count; i++) {
        cJSON *s = cf_report_json_str(op->items[i]);
        if (!s || !cJSON_AddItemToArray(op->hit[i] ? ex : missing, s)) {
            cJSON_Delete(s);
            rc = CF_E_NOMEM;
        }
    }
    return rc;
}

/* "coverage": overall and per operation; absent when coverage was not computed. */
static cf_rc add_coverage(cJSON *root, const cf_run_result *r)
{
    if (!r->coverage_count)
        return CF_OK;
    cJSON *cov = cJSON_AddObjectToObject(root, "coverage");
    if (!cov)
        return CF_E_NOMEM;
    size_t hit, total;
    double p = cf_report_coverage_percent(r, &hit, &total);
    cf_rc rc = add_figures(cov, p, hit, total);
    cJSON *ops = rc == CF_OK ? cJSON_AddArrayToObject(cov, "operations") : NULL;
    if (rc == CF_OK && !ops)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < r->coverage_count; i++)
        rc = add_op_coverage(ops, &r->coverage[i]);
    return rc;
}

cf_rc cf_report_json_head(const cf_run_result *r, cf_buf *out)
{
    char started[25];
    cf_time_format_millis((int64_t)r->started_ms, started);
    cJSON *root = cJSON_CreateObject();
    cf_rc rc = root ? cf_report_json_add_str(root, "conform_version", CONFORM_VERSION) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = cf_report_json_add_str(root, "target", r->target);
    if (rc == CF_OK)
        rc = cf_report_json_add_str(root, "started_at", started);
    if (rc == CF_OK && r->seeded)
        rc = add_num(root, "seed", (double)r->seed); /* --seed is at most 2^53-1: exact */
    if (rc == CF_OK)
        rc = print_obj(root, 0, 1, out);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, ",\"cases\":[\n");
    cJSON_Delete(root);
    return rc;
}

cf_rc cf_report_json_case(const cf_case_result *c, cf_buf *out)
{
    if (c->ran && c->passed)
        return put_passed_case(c, out);
    cJSON *arr = cJSON_CreateArray();
    cf_rc rc = arr ? add_case(arr, c) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = print_obj(arr->child, 0, 0, out);
    cJSON_Delete(arr);
    return rc;
}

cf_rc cf_report_json_exchange(const cf_case_result *c, const cf_exchange_record *e, cf_buf *out)
{
    cJSON *arr = cJSON_CreateArray();
    cf_rc rc = arr ? add_exchange(arr, e) : CF_E_NOMEM;
    cJSON *o = arr ? arr->child : NULL;
    if (rc == CF_OK)
        rc = add_str_ref(o, "spec", c->spec_file);
    if (rc == CF_OK)
        rc = add_str_ref(o, "case", c->id);
    if (rc == CF_OK)
        rc = print_obj(o, 0, 0, out);
    cJSON_Delete(arr);
    return rc;
}

cf_rc cf_report_json_tail(const cf_run_result *r, const cf_report_tally *t, cf_buf *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *stats = NULL;
    size_t cases = t->passed + t->failed + t->not_run;
    cf_rc rc = root ? add_bool(root, "complete", !r->incomplete) : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = add_bool(root, "unreachable", r->unreachable);
    if (rc == CF_OK && r->unreachable_why)
        rc = cf_report_json_add_str(root, "unreachable_reason", r->unreachable_why);
    if (rc == CF_OK && !(stats = cJSON_AddObjectToObject(root, "stats")))
        rc = CF_E_NOMEM;
    if (rc == CF_OK)
        rc = add_num(stats, "requests", (double)r->requests);
    if (rc == CF_OK)
        rc = add_num(stats, "duration_ms", ms3(r->duration_ms));
    if (rc == CF_OK)
        rc = add_num(stats, "cases", (double)cases);
    if (rc == CF_OK)
        rc = add_num(stats, "passed", (double)t->passed);
    if (rc == CF_OK)
        rc = add_num(stats, "failed", (double)t->failed);
    if (rc == CF_OK)
        rc = add_num(stats, "not_run", (double)t->not_run);
    if (rc == CF_OK)
        rc = add_num(stats, "checks", (double)t->checks);
    if (rc == CF_OK)
        rc = add_num(stats, "checks_failed", (double)t->checks_failed);
    if (rc == CF_OK)
        rc = add_coverage(root, r);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "\n],");
    if (rc == CF_OK)
        rc = print_obj(root, 1, 0, out);
    if (rc == CF_OK)
        rc = cf_buf_addc(out, '\n');
    cJSON_Delete(root);
    return rc;
}

cf_rc cf_report_json(const cf_run_result *r, cf_buf *out)
{
    /* Cases a bounded run did not keep count in the stats, though they are not listed. */
    cf_report_tally t = {r->dropped_passed, r->dropped_failed, r->dropped_not_run, 0, 0};
    cf_rc rc = cf_report_json_head(r, out);
    for (size_t i = 0; rc == CF_OK && i < r->count; i++) {
        cf_report_tally_add(&t, &r->cases[i]);
        if (i)
            rc = cf_buf_adds(out, ",\n");
        if (rc == CF_OK)
            rc = cf_report_json_case(&r->cases[i], out);
    }
    if (rc == CF_OK)
        rc = cf_report_json_tail(r, &t, out);
    return rc;
}
