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
    cf_buf ptr;  /* the JSON Pointer of the value being walked: segments are added on the
                    way down and cut off on the way back, so no pointer is allocated */
} walker;

/* The keywords of a schema object the walk reads, found in one pass over its members (the
 * first of a repeated name, as cJSON_GetObjectItemCaseSensitive() would find). */
typedef struct {
    const cJSON *ref, *all_of, *enum_, *properties, *one_of, *any_of, *items, *required;
} keywords;

/* Where keyword `name` goes in k; NULL for a name the walk does not read. */
static const cJSON **keyword_slot(keywords *k, const char *name)
{
    switch (name[0]) {
    case '$':
        return strcmp(name, "$ref") == 0 ? &k->ref : NULL;
    case 'a':
        return strcmp(name, "allOf") == 0   ? &k->all_of
               : strcmp(name, "anyOf") == 0 ? &k->any_of
                                            : NULL;
    case 'e':
        return strcmp(name, "enum") == 0 ? &k->enum_ : NULL;
    case 'i':
        return strcmp(name, "items") == 0 ? &k->items : NULL;
    case 'o':
        return strcmp(name, "oneOf") == 0 ? &k->one_of : NULL;
    case 'p':
        return strcmp(name, "properties") == 0 ? &k->properties : NULL;
    case 'r':
        return strcmp(name, "required") == 0 ? &k->required : NULL;
    default:
        return NULL;
    }
}

static void find_keywords(const cJSON *schema, keywords *k)
{
    memset(k, 0, sizeof(*k));
    for (const cJSON *m = schema->child; m; m = m->next) {
        const cJSON **slot = m->string ? keyword_slot(k, m->string) : NULL;
        if (slot && !*slot)
            *slot = m;
    }
}

/* Appends `line` and '\n' unless the buffer already holds that line. */
static void emit(walker *w, const char *line)
{
    if (w->rc != CF_OK)
        return;
    size_t n = strlen(line);
    const char *all = cf_buf_str(w->out);
    if (memchr(line, '\n', n)) { /* spans lines (a code with a newline): matched as text */
        for (const char *p = all; (p = strstr(p, line)) != NULL; p++)
            if ((p == all || p[-1] == '\n') && p[n] == '\n')
                return;
    } else { /* compared line by line: lengths first, then bytes */
        const char *end = all + w->out->len;
        for (const char *p = all, *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
             p = nl + 1)
            if ((size_t)(nl - p) == n && memcmp(p, line, n) == 0)
                return;
    }
    w->rc = cf_buf_add(w->out, line, n);
    if (w->rc == CF_OK)
        w->rc = cf_buf_addc(w->out, '\n');
}

/* "<side> #<ptr> <what>" for the value being walked, put together without a format string:
 * this runs for every property of every response. */
static void emitf(walker *w, const char *what)
{
    cf_buf *line = &w->line;
    cf_buf_reset(line);
    cf_rc rc = cf_buf_adds(line, w->side);
    if (rc == CF_OK)
        rc = cf_buf_adds(line, " #");
    if (rc == CF_OK)
        rc = cf_buf_add(line, cf_buf_str(&w->ptr), w->ptr.len);
    if (rc == CF_OK)
        rc = cf_buf_addc(line, ' ');
    if (rc == CF_OK)
        rc = cf_buf_adds(line, what);
    if (rc == CF_OK)
        emit(w, cf_buf_str(line));
    else if (w->rc == CF_OK)
        w->rc = rc;
}

/* Adds "/" + name to the walker's pointer (RFC 6901: '~' -> "~0", '/' -> "~1"; control bytes
 * become '?' so that an item stays one line) and returns the length to cut back to. Past
 * CF_COVERAGE_MAX the walk stops with the buffer's error. */
static size_t ptr_push(walker *w, const char *name)
{
    size_t back = w->ptr.len;
    cf_rc rc = cf_buf_addc(&w->ptr, '/');
    const char *plain = name; /* start of the bytes kept as they are */
    for (const char *p = name; rc == CF_OK && *p; p++) {
        if (*p != '~' && *p != '/' && (unsigned char)*p >= 0x20)
            continue;
        rc = cf_buf_add(&w->ptr, plain, (size_t)(p - plain));
        if (rc == CF_OK)
            rc = cf_buf_adds(&w->ptr, *p == '~' ? "~0" : *p == '/' ? "~1" : "?");
        plain = p + 1;
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(&w->ptr, plain);
    if (rc != CF_OK && w->rc == CF_OK)
        w->rc = rc;
    return back;
}

/* Cuts the walker's pointer back to what it was before ptr_push(). */
static void ptr_pop(walker *w, size_t back)
{
    if (w->ptr.ptr && back <= w->ptr.len) {
        w->ptr.len = back;
        w->ptr.ptr[back] = '\0';
    }
}

static int is_required(const cJSON *required, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, required)
    {
        if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

static void walk(walker *w, const cJSON *schema, const cJSON *inst, int depth);

static void walk_enum(walker *w, const cJSON *enum_, const cJSON *inst)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, enum_)
    {
        if (!w->all && !(inst && cJSON_Compare(m, inst, 1)))
            continue;
        cf_buf what;
        cf_buf_init(&what, CF_COVERAGE_MAX);
        if (cf_buf_adds(&what, "= ") == CF_OK && cf_json_add(&what, m) == CF_OK)
            emitf(w, cf_buf_str(&what));
        else
            w->rc = CF_E_NOMEM;
        cf_buf_free(&what);
    }
}

static void walk_properties(walker *w, const keywords *k, const cJSON *inst, int depth)
{
    int obj = inst && cJSON_IsObject(inst);
    const cJSON *p;
    cJSON_ArrayForEach(p, k->properties)
    {
        if (w->rc != CF_OK || !p->string)
            return;
        const cJSON *child = obj ? cJSON_GetObjectItemCaseSensitive(inst, p->string) : NULL;
        size_t back = ptr_push(w, p->string);
        if (w->rc != CF_OK)
            return;
        if (!is_required(k->required, p->string)) {
            if (w->all || (obj && child))
                emitf(w, "present");
            if (w->all || (obj && !child))
                emitf(w, "absent");
        }
        if (w->all || child)
            walk(w, p, child, depth + 1);
        ptr_pop(w, back);
    }
}

/* oneOf / anyOf: a branch counts when the value validates against it. */
static void walk_branches(walker *w, const keywords *k, const cJSON *inst, int depth)
{
    static const char *const names[] = {"oneOf", "anyOf"};
    const cJSON *lists[] = {k->one_of, k->any_of};
    for (size_t n = 0; n < 2; n++) {
        size_t i = 0;
        const cJSON *b;
        cJSON_ArrayForEach(b, lists[n])
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
                snprintf(what, sizeof(what), "%s[%zu]", names[n], i);
                emitf(w, what);
                walk(w, b, inst, depth + 1);
            }
            i++;
        }
    }
}

/* A local $ref ("#/$defs/x"), resolved against the schema the walk started from; NULL when it
 * is not local, does not resolve, or is already being walked (a recursive schema's items
 * are listed once, at their first level). */
static const cJSON *follow(walker *w, const cJSON *ref, int depth)
{
    if (!cJSON_IsString(ref) || ref->valuestring[0] != '#')
        return NULL;
    const cJSON *target = cf_json_pointer(w->root, ref->valuestring + 1);
    for (int i = 0; target && i < depth; i++)
        if (w->path[i] == target)
            return NULL;
    return target;
}

static void walk(walker *w, const cJSON *schema, const cJSON *inst, int depth)
{
    if (w->rc != CF_OK || !cJSON_IsObject(schema) || depth > CF_MAX_JSON_DEPTH)
        return;
    w->path[depth] = schema;
    keywords k;
    find_keywords(schema, &k);
    const cJSON *target = follow(w, k.ref, depth);
    if (target)
        walk(w, target, inst, depth + 1);
    const cJSON *part;
    cJSON_ArrayForEach(part, k.all_of) walk(w, part, inst, depth + 1);
    walk_enum(w, k.enum_, inst);
    walk_properties(w, &k, inst, depth);
    walk_branches(w, &k, inst, depth);
    if (!cJSON_IsObject(k.items))
        return;
    size_t back = ptr_push(w, "*");
    if (w->rc != CF_OK)
        return;
    if (w->all)
        walk(w, k.items, NULL, depth + 1);
    else if (cJSON_IsArray(inst))
        for (const cJSON *e = inst->child; e && w->rc == CF_OK; e = e->next)
            walk(w, k.items, e, depth + 1);
    ptr_pop(w, back);
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
    walker w = {"success", 1, out, CF_OK, ref_root(api, ok), {0}, {0}, {0}};
    cf_buf_init(&w.line, CF_COVERAGE_MAX);
    cf_buf_init(&w.ptr, CF_COVERAGE_MAX);
    statuses(&w, api, op, 0);
    codes(&w, api, op, NULL);
    walk(&w, ok, NULL, 0);
    w.side = "error";
    w.root = ref_root(api, bad);
    walk(&w, bad, NULL, 0);
    cf_buf_free(&w.line);
    cf_buf_free(&w.ptr);
    return w.rc;
}

cf_rc cf_coverage_observe(const cf_api *api, const cf_api_operation *op, const cf_response *resp,
                          cf_buf *out)
{
    const cJSON *ok = side_schema(op, 1), *bad = side_schema(op, 0);
    walker w = {"success", 0, out, CF_OK, ref_root(api, ok), {0}, {0}, {0}};
    if (resp->status <= 0)
        return CF_OK;
    cf_buf_init(&w.line, CF_COVERAGE_MAX);
    cf_buf_init(&w.ptr, CF_COVERAGE_MAX);
    statuses(&w, api, op, resp->status);
    if (resp->envelope == CF_ENVELOPE_ERROR && resp->error_code)
        codes(&w, api, op, resp->error_code_owned ? resp->error_code_owned : resp->error_code);
    if (resp->envelope == CF_ENVELOPE_SUCCESS && resp->json)
        walk(&w, ok, resp->json, 0);
    if (resp->envelope == CF_ENVELOPE_ERROR && resp->json) {
        w.side = "error";
        w.root = ref_root(api, bad);
        walk(&w, bad, resp->json, 0);
    }
    cf_buf_free(&w.line);
    cf_buf_free(&w.ptr);
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
    op->lens = calloc(lines ? lines : 1, sizeof(*op->lens));
    if (!op->items || !op->hit || !op->lens)
        return CF_E_NOMEM;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        op->lens[op->count] = (size_t)(nl - p);
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
        /* Items are distinct lines (emit() lists each once): the first match is the one. */
        for (size_t i = 0; i < op->count; i++)
            if (op->lens[i] == n && memcmp(op->items[i], p, n) == 0) {
                op->hit[i] = 1;
                break;
            }
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
