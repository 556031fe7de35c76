/* cases.c - generated cases of a contract: the run over its operations, each case object (the
 * suite case format) kept or dropped, and turned into a cf_case that borrows from it, so the
 * runner needs no notion of generation (see cases.h). */
#include "gen/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "gen/cases_internal.h"

char *gc_escaped(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '{' ? 2 : 1;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = s; *p; p++) {
        if (*p == '{')
            *o++ = '{';
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

cJSON *gc_escaped_copy(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        char *e = gc_escaped(v->valuestring);
        cJSON *s = e ? cJSON_CreateString(e) : NULL;
        free(e);
        return s;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, 1);
    cJSON *out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    for (const cJSON *c = v->child; out && c; c = c->next) {
        cJSON *copy = gc_escaped_copy(c);
        if (!copy) {
            cJSON_Delete(out);
            return NULL;
        }
        if (cJSON_IsArray(v))
            cJSON_AddItemToArray(out, copy);
        else
            cJSON_AddItemToObject(out, c->string, copy);
    }
    return out;
}

cJSON *gc_case_node(const char *op, const char *name, const char *kind)
{
    cJSON *node = cJSON_CreateObject();
    char id[CF_PATH_MAX * 2];
    snprintf(id, sizeof id, "gen.%s.%s", op, name);
    cJSON *tags = node && cJSON_AddStringToObject(node, "id", id)
                      ? cJSON_AddArrayToObject(node, "tags")
                      : NULL;
    cJSON *t1 = tags ? cJSON_CreateString("generated") : NULL;
    if (t1)
        cJSON_AddItemToArray(tags, t1);
    cJSON *t2 = t1 ? cJSON_CreateString(kind) : NULL;
    if (!t2) {
        cJSON_Delete(node);
        return NULL;
    }
    cJSON_AddItemToArray(tags, t2);
    return node;
}

cJSON *gc_expect_success(void)
{
    cJSON *e = cJSON_CreateObject();
    if (e && !cJSON_AddTrueToObject(e, "success")) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

cJSON *gc_expect_role(const gc *g, cf_api_role role)
{
    cJSON *e = cJSON_CreateObject();
    int known = role > CF_API_ROLE_NONE && role < CF_API_ROLE__COUNT &&
                (g->api->roles[role].code || g->api->roles[role].status);
    int ok = e && (known ? cJSON_AddStringToObject(e, "error", cf_api_role_name(role)) != NULL
                         : cJSON_AddFalseToObject(e, "success") != NULL);
    if (!ok) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

cf_rc cf_gen_step_read(const cf_api *api, const cJSON *n, const char *name, cf_step *s)
{
    const cJSON *exp = get(n, "expect");
    const cJSON *op = get(n, "operation"), *raw = get(n, "raw_body");
    const cJSON *err = get(exp, "error"), *status = get(exp, "status");
    const cJSON *allow = get(exp, "allow"), *nm = get(n, "name");
    memset(s, 0, sizeof(*s));
    s->role = CF_API_ROLE_NONE;
    if (!cJSON_IsString(op))
        return CF_E_INVALID;
    s->name = cJSON_IsString(nm) ? nm->valuestring : name;
    s->operation = op->valuestring;
    s->op = cf_api_operation_find(api, s->operation);
    s->headers = get(n, "headers");
    s->path_params = get(n, "path");
    s->query = get(n, "query");
    s->body = get(n, "body");
    s->raw_body = cJSON_IsString(raw) ? raw->valuestring : NULL;
    s->parallel = 1;
    s->capture = get(n, "capture");
    s->outcome = cJSON_IsTrue(get(exp, "success")) ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR;
    if (cJSON_IsString(err)) {
        s->role = cf_api_role_from_name(err->valuestring);
        s->code = s->role == CF_API_ROLE_NONE ? err->valuestring : api->roles[s->role].code;
    }
    if (cJSON_IsNumber(status))
        s->status = status->valueint;
    size_t na = (size_t)cJSON_GetArraySize(allow);
    if (na && !(s->allow_codes = calloc(na, sizeof(*s->allow_codes))))
        return CF_E_NOMEM;
    for (const cJSON *a = na ? allow->child : NULL; a; a = a->next)
        s->allow_codes[s->allow_count++] = a->valuestring;
    return s->op ? CF_OK : CF_E_INVALID;
}

static void case_cleanup(cf_case *c)
{
    for (size_t i = 0; c->steps && i < c->step_count; i++)
        free((void *)c->steps[i].allow_codes);
    free(c->steps);
    free(c->tags);
    memset(c, 0, sizeof(*c));
}

/* Fills `c` from its case object; on failure `c` is left empty. */
static cf_rc case_from_node(const cf_api *api, const cJSON *node, cf_case *c)
{
    memset(c, 0, sizeof(*c));
    const cJSON *tags = get(node, "tags"), *steps = get(node, "steps");
    size_t nt = (size_t)cJSON_GetArraySize(tags);
    size_t ns = steps ? (size_t)cJSON_GetArraySize(steps) : 1;
    c->id = get(node, "id")->valuestring;
    c->steps = calloc(ns ? ns : 1, sizeof(*c->steps));
    c->tags = calloc(nt ? nt : 1, sizeof(*c->tags));
    cf_rc rc = c->steps && c->tags ? CF_OK : CF_E_NOMEM;
    for (const cJSON *t = tags->child; rc == CF_OK && t; t = t->next)
        c->tags[c->tag_count++] = t->valuestring;
    c->scenario = steps != NULL;
    for (const cJSON *st = steps ? steps->child : node; rc == CF_OK && st;
         st = steps ? st->next : NULL) {
        rc = cf_gen_step_read(api, st, c->id, &c->steps[c->step_count]);
        c->step_count++;
    }
    if (rc != CF_OK)
        case_cleanup(c);
    return rc;
}

cf_rc gc_add(gc *g, cJSON *node)
{
    if (!node)
        return CF_E_NOMEM;
    if (g->o->max_cases && g->kept >= g->o->max_cases) {
        g->st->capped++;
        cJSON_Delete(node);
        return CF_OK;
    }
    cf_gen_cases *out = g->out;
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        cf_case *grown = realloc(out->cases, cap * sizeof(*grown));
        if (!grown) {
            cJSON_Delete(node);
            return CF_E_NOMEM;
        }
        out->cases = grown;
        out->cap = cap;
    }
    cf_case *c = &out->cases[out->count];
    cf_rc rc = case_from_node(g->api, node, c);
    if (rc != CF_OK) {
        cJSON_Delete(node);
        return rc;
    }
    c->index = out->count;
    if (g->o->keep && !g->o->keep(g->o->keep_user, g->api, c)) {
        case_cleanup(c);
        cJSON_Delete(node);
        g->st->duplicates++;
        return CF_OK;
    }
    cJSON_AddItemToArray(out->nodes, node);
    out->count++;
    g->kept++;
    g->st->added++;
    return CF_OK;
}

cf_rc cf_gen_cases_build(const cf_api *api, const cf_gen_cases_opts *opts, cf_gen_cases *out,
                         cf_gen_cases_stats *stats)
{
    cf_gen_cases_stats ignored;
    cf_gen_cases_stats *st = stats ? stats : &ignored;
    memset(st, 0, sizeof(*st));
    if (!api || !opts || !out || opts->mode == CF_GEN_CASES_NONE)
        return CF_OK;
    if (!out->nodes && !(out->nodes = cJSON_CreateArray()))
        return CF_E_NOMEM;
    gc g = {api, opts, st, out, 0, opts->mode == CF_GEN_CASES_ALL};
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && i < api->operation_count; i++) {
        gc_op v;
        size_t before = st->added;
        g.kept = 0;
        rc = gc_op_init(&g, &api->operations[i], 0, !g.negative, &v);
        if (rc == CF_OK)
            rc = gc_op_cases(&g, &v);
        if (rc == CF_OK)
            rc = gc_seq_cases(&g, &v);
        gc_op_cleanup(&v);
        st->operations += st->added > before;
    }
    return rc;
}

void cf_gen_cases_cleanup(cf_gen_cases *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->count; i++)
        case_cleanup(&g->cases[i]);
    free(g->cases);
    cJSON_Delete(g->nodes);
    memset(g, 0, sizeof(*g));
}

cf_rc cf_gen_cases_write(const cf_gen_cases *g, cf_buf *out)
{
    cf_rc rc = CF_OK;
    for (const cJSON *n = g && g->nodes ? g->nodes->child : NULL; n && rc == CF_OK; n = n->next) {
        char *line = cJSON_PrintUnformatted(n);
        rc = line ? cf_buf_adds(out, line) : CF_E_NOMEM;
        if (rc == CF_OK)
            rc = cf_buf_addc(out, '\n');
        cJSON_free(line);
    }
    return rc;
}

cf_rc cf_gen_cases_move(cf_gen_cases *g, cf_case **cases, size_t *count, cJSON **generated)
{
    if (!g->count) {
        cf_gen_cases_cleanup(g);
        return CF_OK;
    }
    cf_case *grown = realloc(*cases, (*count + g->count) * sizeof(*grown));
    if (!grown)
        return CF_E_NOMEM;
    *cases = grown;
    if (!*generated && !(*generated = cJSON_CreateArray()))
        return CF_E_NOMEM;
    for (size_t i = 0; i < g->count; i++) {
        grown[*count] = g->cases[i];
        grown[*count].index = *count;
        ++*count;
    }
    /* The case objects move as they are: what the cases borrow stays where it was. */
    while (g->nodes->child)
        cJSON_AddItemToArray(*generated, cJSON_DetachItemViaPointer(g->nodes, g->nodes->child));
    free(g->cases);
    cJSON_Delete(g->nodes);
    memset(g, 0, sizeof(*g));
    return CF_OK;
}
