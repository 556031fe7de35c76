/* coverage.c - the contract items of an operation and the ones a response exercised. */
#include "check/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "contract/schema.h"

typedef struct {
    const char *side; /* "success" or "error" */
    int all;          /* 1: list every item; 0: only those the instance exercises */
    cf_buf *out;
    cf_rc rc;
    const cJSON *root;                        /* the schema "#" in a $ref names */
    const cJSON *path[CF_MAX_JSON_DEPTH + 2]; /* schemas entered, to follow no $ref twice */
    cf_buf line; /* scratch for the item being emitted, reused: one response emits many */
} walker;

/* Appends `line` and '\n' unless the buffer already holds that line. */
static void emit(walker *w, const char *line)
{
    if (w->rc != CF_OK)
        return;
    size_t n = strlen(line);
    const char *all = cf_buf_str(w->out);
    for (const char *p = all; (p = strstr(p, line)) != NULL; p++)
        if ((p == all || p[-1] == '\n') && p[n] == '\n')
            return;
    w->rc = cf_buf_add(w->out, line, n);
    if (w->rc == CF_OK)
        w->rc = cf_buf_addc(w->out, '\n');
}

/* "<side> #<ptr> <what>", put together without a format string: this runs for every
 * property of every response. */
static void emitf(walker *w, const char *ptr, const char *what)
{
    cf_buf *line = &w->line;
    cf_buf_reset(line);
    cf_rc rc = cf_buf_adds(line, w->side);
    if (rc == CF_OK)
        rc = cf_buf_adds(line, " #");
    if (rc == CF_OK)
        rc = cf_buf_adds(line, ptr);
    if (rc == CF_OK)
        rc = cf_buf_addc(line, ' ');
    if (rc == CF_OK)
        rc = cf_buf_adds(line, what);
    if (rc == CF_OK)
        emit(w, cf_buf_str(line));
    else if (w->rc == CF_OK)
        w->rc = rc;
}

/* ptr + "/" + name as a JSON Pointer (RFC 6901: '~' -> "~0", '/' -> "~1"); control bytes
 * become '?' so that an item stays one line. NULL when out of memory. */
static char *child_ptr(const char *ptr, const char *name)
{
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    cf_rc rc = cf_buf_adds(&b, ptr);
    if (rc == CF_OK)
        rc = cf_buf_addc(&b, '/');
    for (const char *p = name; rc == CF_OK && *p; p++) {
        if (*p == '~')
            rc = cf_buf_adds(&b, "~0");
        else if (*p == '/')
            rc = cf_buf_adds(&b, "~1");
        else
            rc = cf_buf_addc(&b, (unsigned char)*p < 0x20 ? '?' : *p);
    }
    if (rc != CF_OK)
        return NULL;
    char *s = cf_buf_take(&b);
    return s ? s : cf_strdup("");
}

static int is_required(const cJSON *schema, const char *name)
{
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
    const cJSON *r;
    cJSON_ArrayForEach(r, req)
    {
        if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

static void walk(walker *w, const cJSON *schema, const cJSON *inst, const char *ptr, int depth);

static void walk_enum(walker *w, const cJSON *schema, const cJSON *inst, const char *ptr)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(schema, "enum"))
    {
        if (!w->all && !(inst && cJSON_Compare(m, inst, 1)))
            continue;
        char *text = cJSON_PrintUnformatted(m);
        if (!text) {
            w->rc = CF_E_NOMEM;
            return;
        }
        cf_buf what;
        cf_buf_init(&what, CF_COVERAGE_MAX);
        if (cf_buf_adds(&what, "= ") == CF_OK && cf_buf_adds(&what, text) == CF_OK)
            emitf(w, ptr, cf_buf_str(&what));
        else
            w->rc = CF_E_NOMEM;
        cf_buf_free(&what);
        cJSON_free(text);
    }
}

static void walk_properties(walker *w, const cJSON *schema, const cJSON *inst, const char *ptr,
                            int depth)
{
    int obj = inst && cJSON_IsObject(inst);
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(schema, "properties"))
    {
        if (w->rc != CF_OK || !p->string)
            return;
        const cJSON *child = obj ? cJSON_GetObjectItemCaseSensitive(inst, p->string) : NULL;
        char *cptr = child_ptr(ptr, p->string);
        if (!cptr) {
            w->rc = CF_E_NOMEM;
            return;
        }
        if (!is_required(schema, p->string)) {
            if (w->all || (obj && child))
                emitf(w, cptr, "present");
            if (w->all || (obj && !child))
                emitf(w, cptr, "absent");
        }
        if (w->all || child)
            walk(w, p, child, cptr, depth + 1);
        free(cptr);
    }
}

/* oneOf / anyOf: a branch counts when the value validates against it. */
static void walk_branches(walker *w, const cJSON *schema, const cJSON *inst, const char *ptr,
                          int depth)
{
    static const char *const keys[] = {"oneOf", "anyOf"};
    for (size_t k = 0; k < 2; k++) {
        size_t i = 0;
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(schema, keys[k]))
        {
            int match = w->all;
            if (!match && inst) {
                /* The branch's own $refs resolve in the schema the walk started from. */
                cf_schema_options opt = {CF_SCHEMA_2020_12, w->root};
                cf_schema *compiled = NULL;
                if (cf_schema_compile(b, &opt, &compiled) == CF_OK)
                    match = cf_schema_accepts(compiled, inst);
                else
                    w->rc = CF_E_NOMEM;
                cf_schema_free(compiled);
            }
            if (match) {
                char what[48];
                snprintf(what, sizeof(what), "%s[%zu]", keys[k], i);
                emitf(w, ptr, what);
                walk(w, b, inst, ptr, depth + 1);
            }
            i++;
        }
    }
}

/* A local $ref ("#/$defs/x"), resolved against the schema the walk started from; NULL when it
 * is not local, does not resolve, or is already being walked (a recursive schema's items
 * are listed once, at their first level). */
static const cJSON *follow(walker *w, const cJSON *schema, int depth)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
    if (!cJSON_IsString(ref) || ref->valuestring[0] != '#')
        return NULL;
    const cJSON *target = cf_json_pointer(w->root, ref->valuestring + 1);
    for (int i = 0; target && i < depth; i++)
        if (w->path[i] == target)
            return NULL;
    return target;
}

static void walk(walker *w, const cJSON *schema, const cJSON *inst, const char *ptr, int depth)
{
    if (w->rc != CF_OK || !cJSON_IsObject(schema) || depth > CF_MAX_JSON_DEPTH)
        return;
    w->path[depth] = schema;
    const cJSON *target = follow(w, schema, depth);
    if (target)
        walk(w, target, inst, ptr, depth + 1);
    const cJSON *part;
    cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(schema, "allOf"))
        walk(w, part, inst, ptr, depth + 1);
    walk_enum(w, schema, inst, ptr);
    walk_properties(w, schema, inst, ptr, depth);
    walk_branches(w, schema, inst, ptr, depth);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
    if (!cJSON_IsObject(items))
        return;
    char *iptr = child_ptr(ptr, "*");
    if (!iptr) {
        w->rc = CF_E_NOMEM;
        return;
    }
    if (w->all)
        walk(w, items, NULL, iptr, depth + 1);
    else if (cJSON_IsArray(inst))
        for (const cJSON *e = inst->child; e && w->rc == CF_OK; e = e->next)
            walk(w, items, e, iptr, depth + 1);
    free(iptr);
}

/* "status N" / "status NXX" for each response the operation lists and, on a one-operation
 * contract (a v1 file), each status of the catalogue; `only` > 0 keeps those that match it. */
static void statuses(walker *w, const cf_api *api, const cf_api_operation *op, long only)
{
    char line[32];
    for (size_t i = 0; i < op->response_count; i++) {
        const cf_api_response *r = &op->responses[i];
        if (r->kind == CF_API_STATUS_DEFAULT)
            continue;
        int exact = r->kind == CF_API_STATUS_EXACT;
        if (only && (exact ? only != r->status : only / 100 != r->status))
            continue;
        snprintf(line, sizeof(line), exact ? "status %d" : "status %dXX", r->status);
        emit(w, line);
    }
    for (size_t i = 0; api->operation_count == 1 && i < api->error_count; i++) {
        if (only && only != api->errors[i].status)
            continue;
        snprintf(line, sizeof(line), "status %d", api->errors[i].status);
        emit(w, line);
    }
}

static void code_line(walker *w, const char *code)
{
    cf_buf line;
    cf_buf_init(&line, CF_COVERAGE_MAX);
    if (cf_buf_addf(&line, "code %s", code) == CF_OK)
        emit(w, cf_buf_str(&line));
    else
        w->rc = CF_E_NOMEM;
    cf_buf_free(&line);
}

/* The error codes the operation's responses name and, on a one-operation contract, the whole
 * catalogue; `only` keeps that one. */
static void codes(walker *w, const cf_api *api, const cf_api_operation *op, const char *only)
{
    for (size_t i = 0; i < op->response_count && w->rc == CF_OK; i++) {
        const char *code = op->responses[i].error_code;
        if (code && (!only || strcmp(only, code) == 0))
            code_line(w, code);
    }
    for (size_t i = 0; api->operation_count == 1 && i < api->error_count && w->rc == CF_OK; i++)
        if (!only || strcmp(only, api->errors[i].code) == 0)
            code_line(w, api->errors[i].code);
}

/* The schema of the operation's first listed success (`success`) or of its `default`, else
 * first error response; NULL when none. */
static const cJSON *side_schema(const cf_api_operation *op, int success)
{
    const cf_api_response *pick = NULL;
    for (size_t i = 0; i < op->response_count && !pick; i++) {
        const cf_api_response *r = &op->responses[i];
        int ok = r->kind != CF_API_STATUS_DEFAULT && r->role == CF_API_ROLE_NONE &&
                 (r->kind == CF_API_STATUS_EXACT ? r->status < 400 : r->status <= 3);
        if (success ? ok : r->kind == CF_API_STATUS_DEFAULT)
            pick = r;
    }
    for (size_t i = 0; !success && i < op->response_count && !pick; i++)
        if (op->responses[i].role != CF_API_ROLE_NONE)
            pick = &op->responses[i];
    return pick && pick->content_count ? pick->content[0].schema.json : NULL;
}

/* Where a schema's "#/..." refs resolve: the contract's document, else the schema itself. */
static const cJSON *ref_root(const cf_api *api, const cJSON *schema)
{
    return api->schema_options.document ? api->schema_options.document : schema;
}

cf_rc cf_coverage_items(const cf_api *api, const cf_api_operation *op, cf_buf *out)
{
    const cJSON *ok = side_schema(op, 1), *bad = side_schema(op, 0);
    walker w = {"success", 1, out, CF_OK, ref_root(api, ok), {0}, {0}};
    cf_buf_init(&w.line, CF_COVERAGE_MAX);
    statuses(&w, api, op, 0);
    codes(&w, api, op, NULL);
    walk(&w, ok, NULL, "", 0);
    w.side = "error";
    w.root = ref_root(api, bad);
    walk(&w, bad, NULL, "", 0);
    cf_buf_free(&w.line);
    return w.rc;
}

cf_rc cf_coverage_observe(const cf_api *api, const cf_api_operation *op, const cf_response *resp,
                          cf_buf *out)
{
    const cJSON *ok = side_schema(op, 1), *bad = side_schema(op, 0);
    walker w = {"success", 0, out, CF_OK, ref_root(api, ok), {0}, {0}};
    if (resp->status <= 0)
        return CF_OK;
    cf_buf_init(&w.line, CF_COVERAGE_MAX);
    statuses(&w, api, op, resp->status);
    if (resp->envelope == CF_ENVELOPE_ERROR && resp->error_code)
        codes(&w, api, op, resp->error_code_owned ? resp->error_code_owned : resp->error_code);
    if (resp->envelope == CF_ENVELOPE_SUCCESS && resp->json)
        walk(&w, ok, resp->json, "", 0);
    if (resp->envelope == CF_ENVELOPE_ERROR && resp->json) {
        w.side = "error";
        w.root = ref_root(api, bad);
        walk(&w, bad, resp->json, "", 0);
    }
    cf_buf_free(&w.line);
    return w.rc;
}

/* Splits the lines of `text` into op->items (taking copies). */
static cf_rc set_items(cf_op_coverage *op, const char *text)
{
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    op->items = calloc(lines ? lines : 1, sizeof(*op->items));
    op->hit = calloc(lines ? lines : 1, 1);
    if (!op->items || !op->hit)
        return CF_E_NOMEM;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        if ((op->items[op->count] = cf_strndup(p, (size_t)(nl - p))) == NULL)
            return CF_E_NOMEM;
        op->count++;
        p = nl + 1;
    }
    return CF_OK;
}

/* Marks the items named in `covered` (one per line). */
static void mark(cf_op_coverage *op, const char *covered)
{
    for (const char *p = covered; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        for (size_t i = 0; i < op->count; i++)
            if (strlen(op->items[i]) == n && memcmp(op->items[i], p, n) == 0)
                op->hit[i] = 1;
        p += n + (nl != NULL);
    }
}

/* Whether r->coverage already has an entry for this file and operation. */
static int listed(const cf_run_result *r, const char *file, const char *operation)
{
    for (size_t i = 0; i < r->coverage_count; i++)
        if (strcmp(r->coverage[i].spec_file, file) == 0 &&
            strcmp(r->coverage[i].operation, operation) == 0)
            return 1;
    return 0;
}

cf_rc cf_coverage_prepare(const cf_suite *const *suites, size_t n, cf_run_result *r)
{
    cf_run_result_clear_coverage(r);
    size_t ops = 0;
    for (size_t s = 0; s < n; s++)
        ops += suites[s]->case_count ? suites[s]->api->operation_count : 0;
    r->coverage = calloc(ops ? ops : 1, sizeof(*r->coverage));
    if (!r->coverage)
        return CF_E_NOMEM;
    cf_rc rc = CF_OK;
    for (size_t s = 0; s < n && rc == CF_OK; s++) {
        const cf_suite *suite = suites[s];
        const char *file = suite->file ? suite->file : "";
        for (size_t k = 0; suite->case_count && k < suite->api->operation_count && rc == CF_OK;
             k++) {
            const cf_api_operation *o = &suite->api->operations[k];
            const char *name = o->id ? o->id : "";
            if (listed(r, file, name))
                continue;
            cf_op_coverage *op = &r->coverage[r->coverage_count++];
            op->operation = cf_strdup(name);
            op->spec_file = cf_strdup(file);
            cf_buf items;
            cf_buf_init(&items, CF_COVERAGE_MAX);
            rc = op->operation && op->spec_file ? cf_coverage_items(suite->api, o, &items)
                                                : CF_E_NOMEM;
            if (rc == CF_OK)
                rc = set_items(op, cf_buf_str(&items));
            cf_buf_free(&items);
        }
    }
    if (rc != CF_OK)
        cf_run_result_clear_coverage(r);
    return rc;
}

void cf_coverage_mark(cf_run_result *r, const char *spec_file, const char *operation,
                      const char *covered)
{
    if (!spec_file || !covered)
        return;
    for (size_t i = 0; i < r->coverage_count; i++)
        if (strcmp(r->coverage[i].spec_file, spec_file) == 0 &&
            (!operation || strcmp(r->coverage[i].operation, operation) == 0))
            mark(&r->coverage[i], covered);
}

cf_rc cf_coverage_compute(const cf_suite *const *suites, size_t n, cf_run_result *r)
{
    cf_rc rc = cf_coverage_prepare(suites, n, r);
    for (size_t i = 0; rc == CF_OK && i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        for (size_t k = 0; k < c->exchange_count; k++)
            cf_coverage_mark(r, c->spec_file,
                             c->exchanges[k].operation ? c->exchanges[k].operation : c->operation,
                             c->exchanges[k].covered);
    }
    return rc;
}
