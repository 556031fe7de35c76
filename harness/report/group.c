/* group.c - failures grouped by root cause, cases per operation, a case's line in its file. */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/array.h"
#include "base/limits.h"

#define MESSAGE_IDS 10u /* case ids named in one group's message */

const char *cf_report_case_operation(const cf_case_result *c)
{
    return cf_case_result_operation(c);
}

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static const cf_check_result *first_failed(const cf_case_result *c)
{
    for (size_t i = 0; i < c->check_count; i++)
        if (!c->checks[i].passed)
            return &c->checks[i];
    return NULL;
}

/* The exchange the check judged (same step), else the case's last exchange. */
static const cf_exchange_record *judged(const cf_case_result *c, const cf_check_result *k)
{
    for (size_t i = 0; k && i < c->exchange_count; i++)
        if (same(c->exchanges[i].step, k->step))
            return &c->exchanges[i];
    return c->exchange_count ? &c->exchanges[c->exchange_count - 1] : NULL;
}

static int same_cause(const cf_report_group *g, const char *op, const cf_check_result *k,
                      const cf_exchange_record *e)
{
    if (!same(g->operation, op) || !same(g->check ? g->check->id : NULL, k ? k->id : NULL))
        return 0;
    long s1 = g->exchange ? g->exchange->status : -1, s2 = e ? e->status : -1;
    return s1 == s2 && same(g->exchange ? g->exchange->error_code : NULL, e ? e->error_code : NULL);
}

static cf_rc add_member(cf_report_group *g, size_t index)
{
    size_t *cases = cf_array_reserve(g->cases, &g->cap, g->count, sizeof(*cases), 8);
    if (!cases)
        return CF_E_NOMEM;
    g->cases = cases;
    g->cases[g->count++] = index;
    return CF_OK;
}

cf_rc cf_report_groups_build(const cf_run_result *r, cf_report_groups *out)
{
    out->items = NULL;
    out->count = out->cap = 0;
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < r->count && rc == CF_OK; i++) {
        const cf_case_result *c = &r->cases[i];
        if (!c->ran || c->passed)
            continue;
        const char *op = cf_report_case_operation(c);
        const cf_check_result *k = first_failed(c);
        const cf_exchange_record *e = judged(c, k);
        size_t g = 0;
        while (g < out->count && !same_cause(&out->items[g], op, k, e))
            g++;
        if (g == out->count) {
            cf_report_group *items =
                cf_array_reserve(out->items, &out->cap, out->count, sizeof(*items), 8);
            if (!items) {
                rc = CF_E_NOMEM;
                break;
            }
            out->items = items;
            out->items[out->count++] = (cf_report_group){op, c, k, e, NULL, 0, 0};
        }
        rc = add_member(&out->items[g], i);
    }
    if (rc != CF_OK)
        cf_report_groups_cleanup(out);
    return rc;
}

void cf_report_groups_cleanup(cf_report_groups *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->count; i++)
        free(g->items[i].cases);
    free(g->items);
    g->items = NULL;
    g->count = g->cap = 0;
}

cf_rc cf_report_group_message(const cf_run_result *r, const cf_report_group *g, cf_buf *m)
{
    const cf_check_result *k = g->check;
    cf_rc rc = cf_buf_addf(m, "%s: ", g->operation);
    if (rc == CF_OK)
        rc = cf_buf_addf(m, "%s failed", k ? k->id : "the case");
    if (rc == CF_OK && k)
        rc = cf_buf_addf(m, ": expected %.*s, got %.*s", (int)CF_REPORT_MESSAGE_MAX,
                         k->expected ? k->expected : "(nothing)", (int)CF_REPORT_MESSAGE_MAX,
                         k->actual ? k->actual : "(nothing)");
    if (rc == CF_OK && g->exchange)
        rc = cf_buf_addf(m, " (HTTP %ld%s%s)", g->exchange->status,
                         g->exchange->error_code ? ", " : "",
                         g->exchange->error_code ? g->exchange->error_code : "");
    if (rc == CF_OK)
        rc = cf_buf_addf(m, ". %zu case%s: ", g->count, g->count == 1 ? "" : "s");
    for (size_t i = 0; rc == CF_OK && i < g->count && i < MESSAGE_IDS; i++)
        rc = cf_buf_addf(m, "%s%s", i ? ", " : "", r->cases[g->cases[i]].id);
    if (rc == CF_OK && g->count > MESSAGE_IDS)
        rc = cf_buf_addf(m, " and %zu more", g->count - MESSAGE_IDS);
    if (rc == CF_OK && g->first->replay)
        rc = cf_buf_addf(m, ". Rerun: %s", g->first->replay);
    return rc;
}

/* The entry of `name` among the first *n, appended when new (room is the caller's). */
static cf_report_op *op_named(cf_report_op *ops, size_t *n, const char *name)
{
    size_t k = 0;
    while (k < *n && strcmp(ops[k].name, name) != 0)
        k++;
    if (k == *n)
        ops[(*n)++].name = name;
    return &ops[k];
}

cf_rc cf_report_ops(const cf_run_result *r, cf_report_op **items, size_t *count)
{
    *items = NULL;
    *count = 0;
    size_t most = r->count + r->dropped_op_count;
    cf_report_op *ops = calloc(most ? most : 1, sizeof(*ops));
    if (!ops)
        return CF_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        cf_report_op *op = op_named(ops, &n, cf_report_case_operation(c));
        if (!c->ran)
            op->not_run++;
        else if (c->passed)
            op->passed++;
        else
            op->failed++;
    }
    /* Cases a bounded run did not keep are counted per operation all the same. */
    for (size_t i = 0; i < r->dropped_op_count; i++) {
        const cf_op_tally *t = &r->dropped_ops[i];
        cf_report_op *op = op_named(ops, &n, t->operation);
        op->passed += t->passed;
        op->failed += t->failed;
        op->not_run += t->not_run;
    }
    *items = ops;
    *count = n;
    return CF_OK;
}

static unsigned line_at(const char *text, const char *at)
{
    unsigned line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* The first `"key"` followed by optional space and ':' at or after `from`; NULL when none. */
static const char *find_member(const char *from, const char *quoted_key)
{
    size_t n = strlen(quoted_key);
    for (const char *p = from; (p = strstr(p, quoted_key)) != NULL; p += n) {
        const char *q = p + n;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (*q == ':')
            return p;
    }
    return NULL;
}

unsigned cf_report_case_line(const char *path, const char *id)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return 0;
    char *text = malloc(CF_MAX_SPEC_FILE + 1);
    size_t len = text ? fread(text, 1, CF_MAX_SPEC_FILE, f) : 0;
    fclose(f);
    if (!text)
        return 0;
    text[len] = '\0';
    unsigned line = 1;
    const char *cases = find_member(text, "\"cases\"");
    if (cases)
        line = line_at(text, cases);
    /* The id as the file spells it: a JSON string, without a repetition suffix "#k". */
    size_t idn = id ? strcspn(id, "#") : 0;
    char *bare = id ? malloc(idn + 1) : NULL;
    cJSON *s = NULL;
    char *quoted = NULL;
    if (bare) {
        memcpy(bare, id, idn);
        bare[idn] = '\0';
        s = cJSON_CreateString(bare);
        quoted = s ? cJSON_PrintUnformatted(s) : NULL;
    }
    for (const char *p = cases ? cases : text; quoted && (p = find_member(p, "\"id\"")) != NULL;
         p += 4) {
        const char *q = strchr(p + 4, ':') + 1;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (strncmp(q, quoted, strlen(quoted)) == 0) {
            line = line_at(text, p);
            break;
        }
    }
    cJSON_free(quoted);
    cJSON_Delete(s);
    free(bare);
    free(text);
    return line;
}
