/* cases.c - a spec's generated items as ordinary single-step cases appended to the spec, so the
 * runner needs no notion of generation (see cases.h). */
#include "gen/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "gen/gen.h"

/* A credential nobody was given: the auth cases' "unknown" value. */
#define UNKNOWN_CREDENTIAL "conform-unknown-credential"

/* Body strings are templates to the request builder; a generated '{' must reach the wire as
 * itself, so it is written "{{". */
static char *braces_escaped(const char *s)
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

/* Deep copy of `v` with every string value (not member names: they are not expanded) escaped. */
static cJSON *escaped_copy(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        char *e = braces_escaped(v->valuestring);
        cJSON *s = e ? cJSON_CreateString(e) : NULL;
        free(e);
        return s;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, 1);
    cJSON *out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    for (const cJSON *c = v->child; out && c; c = c->next) {
        cJSON *copy = escaped_copy(c);
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

/* The top-level member the idempotency token sits in ("ClientToken"); NULL when none or deeper. */
static const char *token_member(const cf_spec *spec)
{
    const char *t = spec->idem.enabled ? spec->idem.token : NULL;
    return t && t[0] == '/' && t[1] && !strchr(t + 1, '/') && !strchr(t + 1, '~') ? t + 1 : NULL;
}

/* Whether an item is about the member `m` (its name is "m" or starts "m."). */
static int about(const char *item, const char *m)
{
    size_t n = m ? strlen(m) : 0;
    return n && strncmp(item, m, n) == 0 && (item[n] == '\0' || item[n] == '.' || item[n] == '[');
}

/* Everything one case is made of, in its holder node; NULL when out of memory. */
static cJSON *case_node(const char *op, const char *name, const char *kind, const char *expect)
{
    cJSON *node = cJSON_CreateObject();
    cf_buf id;
    cf_buf_init(&id, CF_PATH_MAX * 2u);
    cJSON *tags = node ? cJSON_AddArrayToObject(node, "tags") : NULL;
    int ok = tags && cf_buf_addf(&id, "gen.%s.%s", op, name) == CF_OK &&
             cJSON_AddStringToObject(node, "id", cf_buf_str(&id)) &&
             cJSON_AddStringToObject(node, "expect", expect);
    cJSON *t1 = ok ? cJSON_CreateString("generated") : NULL;
    if (t1)
        cJSON_AddItemToArray(tags, t1);
    cJSON *t2 = t1 ? cJSON_CreateString(kind) : NULL;
    if (t2)
        cJSON_AddItemToArray(tags, t2);
    cf_buf_free(&id);
    if (!t2) {
        cJSON_Delete(node);
        return NULL;
    }
    return node;
}

/* Fills `c` (one step, allocated) from its node; CF_E_NOMEM leaves `c` empty. */
static cf_rc case_from_node(const cf_spec *spec, const cJSON *node, cf_case *c)
{
    memset(c, 0, sizeof(*c));
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(node, "tags");
    size_t nt = (size_t)cJSON_GetArraySize(tags);
    c->steps = calloc(1, sizeof(*c->steps));
    c->tags = calloc(nt ? nt : 1, sizeof(*c->tags));
    if (!c->steps || !c->tags) {
        free(c->steps);
        free(c->tags);
        memset(c, 0, sizeof(*c));
        return CF_E_NOMEM;
    }
    for (const cJSON *t = tags->child; t; t = t->next)
        c->tags[c->tag_count++] = t->valuestring;
    c->id = cJSON_GetObjectItemCaseSensitive(node, "id")->valuestring;
    c->step_count = 1;
    cf_step *s = &c->steps[0];
    s->parallel = 1;
    s->headers = cJSON_GetObjectItemCaseSensitive(node, "headers");
    s->body = cJSON_GetObjectItemCaseSensitive(node, "body");
    const cJSON *raw = cJSON_GetObjectItemCaseSensitive(node, "raw_body");
    s->raw_body = raw ? raw->valuestring : NULL;
    const char *expect = cJSON_GetObjectItemCaseSensitive(node, "expect")->valuestring;
    if (strcmp(expect, "success") == 0) {
        s->outcome = CF_OUTCOME_SUCCESS;
        /* A request about the token itself carries a fixed token; another case or a copy of
         * this one may be in flight with it. */
        if (spec->idem.in_flight_code && cJSON_IsTrue(cJSON_GetObjectItem(node, "fixed_token"))) {
            s->allow_codes = calloc(1, sizeof(*s->allow_codes));
            if (!s->allow_codes) {
                free(c->steps);
                free(c->tags);
                memset(c, 0, sizeof(*c));
                return CF_E_NOMEM;
            }
            s->allow_codes[s->allow_count++] = spec->idem.in_flight_code;
        }
    } else {
        s->outcome = CF_OUTCOME_ERROR;
        s->code = expect;
    }
    return CF_OK;
}

/* The node of one generated item: body or raw body, token made fresh where the item allows. */
static cJSON *item_node(const cf_spec *spec, const cf_gen_item *it, const char *code)
{
    const char *tok = token_member(spec);
    cJSON *node = case_node(spec->op.name, it->name, cf_gen_kind_name(it->kind),
                            it->valid ? "success" : code);
    if (!node)
        return NULL;
    int ok = 1;
    if (it->raw) {
        /* Raw bodies hold no NUL (the generator's are fixed texts and halves of JSON). */
        char *text = malloc(it->raw_len + 1);
        char *e = NULL;
        if (text) {
            memcpy(text, it->raw, it->raw_len);
            text[it->raw_len] = '\0';
            e = braces_escaped(text);
        }
        ok = e && cJSON_AddStringToObject(node, "raw_body", e);
        free(text);
        free(e);
    } else {
        cJSON *body = escaped_copy(it->value);
        int fixed = about(it->name, tok);
        if (body && tok && !fixed && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(body, tok)))
            ok = cf_json_pointer_set(body, spec->idem.token, cJSON_CreateString("{$token}")) ==
                 CF_OK;
        ok = ok && body;
        if (ok)
            cJSON_AddItemToObject(node, "body", body);
        else
            cJSON_Delete(body);
        if (ok && fixed && it->valid)
            ok = cJSON_AddTrueToObject(node, "fixed_token") != NULL;
    }
    if (!ok) {
        cJSON_Delete(node);
        return NULL;
    }
    return node;
}

/* The node of a credential case: the example body, the credential header dropped, empty or
 * unknown. */
static cJSON *auth_node(const cf_spec *spec, const char *rule, const char *code)
{
    char name[64];
    snprintf(name, sizeof name, "auth.%s", rule);
    cJSON *node = case_node(spec->op.name, name, cf_gen_kind_name(CF_GEN_NEGATIVE), code);
    cJSON *headers = node ? cJSON_AddObjectToObject(node, "headers") : NULL;
    cJSON *value = !headers                       ? NULL
                   : strcmp(rule, "missing") == 0 ? cJSON_CreateNull()
                   : strcmp(rule, "empty") == 0   ? cJSON_CreateString("")
                                                  : cJSON_CreateString(UNKNOWN_CREDENTIAL);
    if (!value) {
        cJSON_Delete(node);
        return NULL;
    }
    cJSON_AddItemToObject(headers, spec->op.auth_header, value);
    return node;
}

typedef struct {
    cf_spec *spec;
    const cf_gen_cases_opts *o;
    cf_gen_cases_stats *st;
    size_t kept; /* generated cases of this spec so far */
} adder;

/* Appends the case of `node` (taken) unless opts->keep drops it or the cap is reached. */
static cf_rc add_node(adder *a, cJSON *node)
{
    if (!node)
        return CF_E_NOMEM;
    if (a->o->max_cases && a->kept >= a->o->max_cases) {
        a->st->capped++;
        cJSON_Delete(node);
        return CF_OK;
    }
    cf_spec *spec = a->spec;
    cf_case *grown = realloc(spec->cases, (spec->case_count + 1) * sizeof(*grown));
    if (!grown) {
        cJSON_Delete(node);
        return CF_E_NOMEM;
    }
    spec->cases = grown;
    cf_case *c = &spec->cases[spec->case_count];
    if (case_from_node(spec, node, c) != CF_OK) {
        cJSON_Delete(node);
        return CF_E_NOMEM;
    }
    c->index = spec->case_count;
    if (a->o->keep && !a->o->keep(a->o->keep_user, spec, c)) {
        free(c->steps[0].allow_codes);
        free(c->steps);
        free(c->tags);
        cJSON_Delete(node);
        a->st->duplicates++;
        return CF_OK;
    }
    cJSON_AddItemToArray(spec->generated, node);
    spec->case_count++;
    a->kept++;
    a->st->added++;
    return CF_OK;
}

cf_rc cf_gen_cases_add(cf_spec *spec, const cf_gen_cases_opts *opts, cf_gen_cases_stats *stats)
{
    cf_gen_cases_stats ignored;
    cf_gen_cases_stats *st = stats ? stats : &ignored;
    memset(st, 0, sizeof(*st));
    if (!spec || !opts || opts->mode == CF_GEN_CASES_NONE)
        return CF_OK;
    if (!spec->generated && !(spec->generated = cJSON_CreateArray()))
        return CF_E_NOMEM;
    const char *invalid = cf_spec_role_code(spec, CF_ROLE_VALIDATION);
    const char *denied = cf_spec_role_code(spec, CF_ROLE_AUTH);
    int negatives = opts->mode == CF_GEN_CASES_ALL && invalid;
    cf_gen_options go = {0};
    go.seed = opts->seed;
    go.dialect = CF_SCHEMA_2020_12; /* as the spec loader compiles the body schema */
    go.direction = CF_SCHEMA_REQUEST;
    go.no_negative = !negatives;
    cf_gen_request req = {spec->op.body_schema, NULL, 0};
    cf_gen_list list = {0};
    adder a = {spec, opts, st, 0};
    cf_rc rc = spec->op.body_schema ? cf_gen_request_items(&req, &go, &list) : CF_OK;
    st->dropped = list.dropped;
    for (size_t i = 0; rc == CF_OK && i < list.count; i++) {
        const cf_gen_item *it = &list.items[i];
        if (it->in != CF_GEN_IN_BODY || it->absent || (!it->valid && !negatives))
            continue;
        rc = add_node(&a, item_node(spec, it, invalid));
    }
    static const char *const auth_rules[] = {"missing", "empty", "unknown"};
    for (size_t i = 0; rc == CF_OK && negatives && spec->op.auth_header && denied && i < 3; i++)
        rc = add_node(&a, auth_node(spec, auth_rules[i], denied));
    cf_gen_list_cleanup(&list);
    return rc;
}

cf_rc cf_gen_cases_write(const cf_spec *spec, cf_buf *out)
{
    cf_rc rc = CF_OK;
    for (const cJSON *n = spec && spec->generated ? spec->generated->child : NULL; n && rc == CF_OK;
         n = n->next) {
        char *line = cJSON_PrintUnformatted(n);
        rc = line ? cf_buf_adds(out, line) : CF_E_NOMEM;
        if (rc == CF_OK)
            rc = cf_buf_addc(out, '\n');
        cJSON_free(line);
    }
    return rc;
}
