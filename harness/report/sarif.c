/* sarif.c - report.sarif: failure groups as SARIF 2.1.0 results, for code-scanning views. */
#include "report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "report/internal.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* An artifact URI for a spec path: relative paths stay relative to the checkout (what
 * code-scanning uploads resolve against), absolute ones become file:// URIs; every byte
 * outside RFC 3986's unreserved set and '/' is percent-encoded. */
static cf_rc spec_uri(cf_buf *out, const char *path)
{
    const char *p = path ? path : "";
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    cf_rc rc = *p == '/' ? cf_buf_adds(out, "file://") : CF_OK;
    for (; rc == CF_OK && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c))
            rc = cf_buf_addc(out, (char)c);
        else
            rc = cf_buf_addf(out, "%%%02X", c);
    }
    return rc;
}

/* Stable across runs: the group's cause, hashed (FNV-1a 64). */
static void fingerprint(const cf_report_group *g, char out[17])
{
    uint64_t h = 14695981039346656037ull;
    const char *parts[] = {g->operation, g->check ? g->check->id : "",
                           g->exchange && g->exchange->error_code ? g->exchange->error_code : ""};
    for (size_t i = 0; i < 3; i++)
        for (const char *s = parts[i] ? parts[i] : "";; s++) {
            h = (h ^ (unsigned char)*s) * 1099511628211ull;
            if (!*s)
                break;
        }
    h = (h ^ (uint64_t)(g->exchange ? g->exchange->status : 0)) * 1099511628211ull;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static cJSON *text_object(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    if (o && cf_report_json_add_str(o, "text", text) != CF_OK) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cf_rc add_rule(cJSON *rules, const char *id)
{
    cJSON *rule = cJSON_CreateObject();
    if (!rule || !cJSON_AddItemToArray(rules, rule)) {
        cJSON_Delete(rule);
        return CF_E_NOMEM;
    }
    cf_rc rc = cf_report_json_add_str(rule, "id", id);
    cJSON *s = rc == CF_OK ? text_object(cf_report_check_text(id)) : NULL;
    if (!s || !cJSON_AddItemToObject(rule, "shortDescription", s)) {
        cJSON_Delete(s);
        return CF_E_NOMEM;
    }
    cJSON *conf = cJSON_AddObjectToObject(rule, "defaultConfiguration");
    return conf && cJSON_AddStringToObject(conf, "level", "error") ? CF_OK : CF_E_NOMEM;
}

/* Index of `id` among the rules so far, adding it when new; -1 when out of memory. */
static int rule_index(cJSON *rules, const char *id)
{
    int i = 0;
    const cJSON *rule;
    cJSON_ArrayForEach(rule, rules)
    {
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(rule, "id");
        if (cJSON_IsString(rid) && strcmp(rid->valuestring, id) == 0)
            return i;
        i++;
    }
    return add_rule(rules, id) == CF_OK ? i : -1;
}

static cf_rc add_location(cJSON *result, const cf_case_result *c)
{
    cf_buf uri;
    cf_buf_init(&uri, 4 * CF_REPORT_FIELD_MAX);
    cf_rc rc = spec_uri(&uri, c->spec_file);
    cJSON *locs = rc == CF_OK ? cJSON_AddArrayToObject(result, "locations") : NULL;
    cJSON *loc = cJSON_CreateObject();
    cJSON *phys = loc ? cJSON_AddObjectToObject(loc, "physicalLocation") : NULL;
    cJSON *art = phys ? cJSON_AddObjectToObject(phys, "artifactLocation") : NULL;
    if (!locs || !art || !cJSON_AddItemToArray(locs, loc)) {
        cJSON_Delete(loc);
        cf_buf_free(&uri);
        return CF_E_NOMEM;
    }
    rc = cf_report_json_add_str(art, "uri", cf_buf_str(&uri));
    unsigned line = cf_report_case_line(c->spec_file, c->id);
    if (rc == CF_OK && line) {
        cJSON *region = cJSON_AddObjectToObject(phys, "region");
        if (!region || !cJSON_AddNumberToObject(region, "startLine", (double)line))
            rc = CF_E_NOMEM;
    }
    cf_buf_free(&uri);
    return rc;
}

static cf_rc add_result(cJSON *results, cJSON *rules, const cf_run_result *r,
                        const cf_report_group *g)
{
    cJSON *res = cJSON_CreateObject();
    if (!res || !cJSON_AddItemToArray(results, res)) {
        cJSON_Delete(res);
        return CF_E_NOMEM;
    }
    const char *id = g->check ? g->check->id : "case.failed";
    int index = rule_index(rules, id);
    cf_buf m;
    cf_buf_init(&m, CF_REPORT_MAX);
    cf_rc rc = index < 0 ? CF_E_NOMEM : cf_report_json_add_str(res, "ruleId", id);
    if (rc == CF_OK && !cJSON_AddNumberToObject(res, "ruleIndex", index))
        rc = CF_E_NOMEM;
    if (rc == CF_OK && !cJSON_AddStringToObject(res, "level", "error"))
        rc = CF_E_NOMEM;
    if (rc == CF_OK)
        rc = cf_report_group_message(r, g, &m);
    cJSON *msg = rc == CF_OK ? text_object(cf_buf_str(&m)) : NULL;
    if (rc == CF_OK && (!msg || !cJSON_AddItemToObject(res, "message", msg))) {
        cJSON_Delete(msg);
        rc = CF_E_NOMEM;
    }
    cf_buf_free(&m);
    if (rc == CF_OK)
        rc = add_location(res, g->first);
    char fp[17];
    fingerprint(g, fp);
    cJSON *fps = rc == CF_OK ? cJSON_AddObjectToObject(res, "partialFingerprints") : NULL;
    if (rc == CF_OK && (!fps || !cJSON_AddStringToObject(fps, "conformCause/v1", fp)))
        rc = CF_E_NOMEM;
    cJSON *props = rc == CF_OK ? cJSON_AddObjectToObject(res, "properties") : NULL;
    cJSON *cases = props ? cJSON_AddArrayToObject(props, "cases") : NULL;
    if (rc == CF_OK && !cases)
        rc = CF_E_NOMEM;
    for (size_t i = 0; rc == CF_OK && i < g->count; i++) {
        cJSON *s = cf_report_json_str(r->cases[g->cases[i]].id);
        if (!s || !cJSON_AddItemToArray(cases, s)) {
            cJSON_Delete(s);
            rc = CF_E_NOMEM;
        }
    }
    if (rc == CF_OK)
        rc = cf_report_json_add_str(props, "operation", g->operation);
    return rc;
}

cf_rc cf_report_sarif(const cf_run_result *r, cf_buf *out)
{
    cf_report_groups groups = {0};
    cJSON *root = cJSON_CreateObject();
    cf_rc rc = root ? cf_report_groups_build(r, &groups) : CF_E_NOMEM;
    cJSON *runs = NULL, *run = NULL, *driver = NULL, *rules = NULL, *results = NULL;
    if (rc != CF_OK)
        goto out;
    rc = CF_E_NOMEM;
    if (!cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA) ||
        !cJSON_AddStringToObject(root, "version", "2.1.0") ||
        !(runs = cJSON_AddArrayToObject(root, "runs")) || !(run = cJSON_CreateObject()))
        goto out;
    if (!cJSON_AddItemToArray(runs, run)) {
        cJSON_Delete(run);
        goto out;
    }
    cJSON *tool = cJSON_AddObjectToObject(run, "tool");
    if (!tool || !(driver = cJSON_AddObjectToObject(tool, "driver")) ||
        !cJSON_AddStringToObject(driver, "name", "conform") ||
        !cJSON_AddStringToObject(driver, "semanticVersion", CONFORM_VERSION) ||
        !(rules = cJSON_AddArrayToObject(driver, "rules")) ||
        !(results = cJSON_AddArrayToObject(run, "results")))
        goto out;
    cJSON *inv = cJSON_AddArrayToObject(run, "invocations");
    cJSON *one = cJSON_CreateObject();
    if (!inv || !one || !cJSON_AddItemToArray(inv, one)) {
        cJSON_Delete(one);
        goto out;
    }
    if (!cJSON_AddBoolToObject(one, "executionSuccessful", !r->incomplete && !r->unreachable))
        goto out;
    rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < groups.count; i++)
        rc = add_result(results, rules, r, &groups.items[i]);
    if (rc != CF_OK)
        goto out;
    rc = cf_json_append_line(out, root, 1);
out:
    cJSON_Delete(root);
    cf_report_groups_cleanup(&groups);
    return rc;
}
