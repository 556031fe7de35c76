/* case_parse.c - the case and step members v1 specs and v2 suites share, parsed once. */
#include "contract/case_parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"
#include "contract/spec_lint.h"
#include "contract/template.h"

void cf_case_error(cf_case_parser *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (*p->errors)++;
    cf_diags_vadd(p->d, p->file, path[0] ? path : "/", fmt, ap);
    va_end(ap);
}

void cf_case_warn(cf_case_parser *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cf_diags_vadd(p->d, p->file, path[0] ? path : "/", fmt, ap);
    va_end(ap);
}

const char *cf_case_type_of(const cJSON *v)
{
    return cJSON_IsString(v)   ? "a string"
           : cJSON_IsNumber(v) ? "a number"
           : cJSON_IsObject(v) ? "an object"
           : cJSON_IsArray(v)  ? "an array"
           : cJSON_IsBool(v)   ? "a boolean"
                               : "null";
}

static int in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

void cf_case_check_keys(cf_case_parser *p, const cJSON *obj, const char *path,
                        const char *const *allowed)
{
    char at[CF_PATH_MAX];
    char list[512];
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (in_list(allowed, m->string))
            continue;
        const char *near = cf_str_suggest(m->string, allowed);
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, m->string),
                      "unknown key \"%.80s\" here (allowed: %s)%s%s%s", m->string,
                      cf_str_join(list, sizeof(list), allowed), near ? "; did you mean \"" : "",
                      near ? near : "", near ? "\"?" : "");
    }
}

const cJSON *cf_case_member(cf_case_parser *p, const cJSON *obj, const char *path, const char *key,
                            int type)
{
    char at[CF_PATH_MAX];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v && type && !(v->type & type)) {
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, key), "\"%s\" must be %s, not %s",
                      key,
                      type == cJSON_String   ? "a string"
                      : type == cJSON_Object ? "an object"
                      : type == cJSON_Array  ? "an array"
                      : type == cJSON_Number ? "a number"
                                             : "a boolean",
                      cf_case_type_of(v));
        return NULL;
    }
    return v;
}

/* ---- request members ---- */

static int is_member_pointer(const char *s)
{
    return s && s[0] != '\0' && cf_spec_lint_pointer(s);
}

static void check_pointer_keys(cf_case_parser *p, const cJSON *obj, const char *path,
                               int string_values)
{
    char at[CF_PATH_MAX];
    for (const cJSON *m = obj ? obj->child : NULL; m; m = m->next) {
        cf_diag_path_key(at, sizeof(at), path, m->string);
        if (!is_member_pointer(m->string))
            cf_case_error(p, at, "\"%s\" is not a JSON Pointer; write it like \"/ContentType\"",
                          m->string);
        if (string_values && !cJSON_IsString(m))
            cf_case_error(p, at, "must be a string (a template such as \"{@id}\"), not %s",
                          cf_case_type_of(m));
    }
}

static void check_pointer_array(cf_case_parser *p, const cJSON *arr, const char *path)
{
    char at[CF_PATH_MAX];
    size_t i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++)
        if (!cJSON_IsString(e) || !is_member_pointer(e->valuestring))
            cf_case_error(p, cf_diag_path_index(at, sizeof(at), path, i),
                          "must be a JSON Pointer string like \"/data/id\"");
}

void cf_case_parse_request(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    step->headers = cf_case_member(p, obj, path, "headers", cJSON_Object);
    cf_spec_lint_headers(p->file, step->headers, cf_diag_path_key(at, sizeof(at), path, "headers"),
                         1, p->d, p->errors);
    step->set = cf_case_member(p, obj, path, "set", cJSON_Object);
    check_pointer_keys(p, step->set, cf_diag_path_key(at, sizeof(at), path, "set"), 0);
    step->remove = cf_case_member(p, obj, path, "remove", cJSON_Array);
    check_pointer_array(p, step->remove, cf_diag_path_key(at, sizeof(at), path, "remove"));
    step->body = cJSON_GetObjectItemCaseSensitive(obj, "body");
    const cJSON *raw = cf_case_member(p, obj, path, "raw_body", cJSON_String);
    step->raw_body = raw ? raw->valuestring : NULL;
    const cJSON *no_body = cf_case_member(p, obj, path, "no_body", cJSON_True | cJSON_False);
    step->no_body = cJSON_IsTrue(no_body);
    int kinds = !!step->body + !!raw + step->no_body;
    if (kinds > 1)
        cf_case_error(p, path, "give at most one of \"body\", \"raw_body\" and \"no_body\"");
    if ((raw || step->no_body) && (step->set || step->remove))
        cf_case_error(p, path, "\"set\"/\"remove\" change a JSON body; they cannot go with %s",
                      raw ? "\"raw_body\"" : "\"no_body\"");
}

void cf_case_parse_parallel(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    step->parallel = 1;
    const cJSON *par = cf_case_member(p, obj, path, "parallel", cJSON_Number);
    if (!par)
        return;
    double v = par->valuedouble;
    if (!(v >= 1 && v <= CF_MAX_PARALLEL) || v != floor(v))
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "parallel"),
                      "parallel must be an integer 1..%u", CF_MAX_PARALLEL);
    else
        step->parallel = (unsigned)v;
}

/* ---- expect ---- */

static int valid_check_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 80)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
              *s == '-'))
            return 0;
    return 1;
}

static void parse_allow(cf_case_parser *p, cf_step *step, const cJSON *allow, const char *path)
{
    char at[CF_PATH_MAX];
    size_t n = allow ? (size_t)cJSON_GetArraySize(allow) : 0;
    if (!n)
        return;
    step->allow_codes = calloc(n, sizeof(*step->allow_codes));
    if (!step->allow_codes) {
        cf_case_error(p, path, "out of memory");
        return;
    }
    size_t i = 0;
    for (const cJSON *a = allow->child; a; a = a->next, i++) {
        cf_diag_path_index(at, sizeof(at), path, i);
        const char *code = NULL;
        cf_api_role role = CF_API_ROLE_NONE;
        if (!cJSON_IsString(a))
            cf_case_error(p, at, "must be a role or code (a string)");
        else if (p->resolve(p, a->valuestring, at, &code, &role) && !code)
            cf_case_error(p, at,
                          "role \"%s\" has no error code in the contract, and \"allow\" matches "
                          "codes; expect the role with \"error\" instead",
                          a->valuestring);
        if (code)
            step->allow_codes[step->allow_count++] = code;
    }
}

void cf_case_parse_expect(cf_case_parser *p, cf_step *step, const cJSON *exp, const char *path)
{
    static const char *const keys[] = {"success",   "error",      "status", "allow", "equal",
                                       "not_equal", "consistent", "check",  NULL};
    char at[CF_PATH_MAX];
    if (!exp && !p->expect_required) {
        step->outcome = CF_OUTCOME_SUCCESS;
        return;
    }
    if (!exp) {
        cf_case_error(p, path, "missing required member \"expect\"");
        return;
    }
    if (!cJSON_IsObject(exp)) {
        cf_case_error(p, path, "\"expect\" must be an object, not %s", cf_case_type_of(exp));
        return;
    }
    cf_case_check_keys(p, exp, path, keys);
    const cJSON *success = cf_case_member(p, exp, path, "success", cJSON_True | cJSON_False);
    const cJSON *error = cf_case_member(p, exp, path, "error", cJSON_String);
    if (error) {
        step->outcome = CF_OUTCOME_ERROR;
        p->resolve(p, error->valuestring, cf_diag_path_key(at, sizeof(at), path, "error"),
                   &step->code, &step->role);
        if (cJSON_IsTrue(success))
            cf_case_error(p, path, "\"success\": true contradicts \"error\"");
    } else if (success) {
        step->outcome = cJSON_IsTrue(success) ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR;
    } else {
        cf_case_error(p, path,
                      "say what must come back: \"success\": true, or \"error\": ROLE-or-CODE");
    }
    const cJSON *status = cf_case_member(p, exp, path, "status", cJSON_Number);
    if (status) {
        double s = status->valuedouble;
        if (!(s >= 100 && s <= 599) || s != floor(s))
            cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "status"),
                          "status must be an integer 100..599");
        else
            step->status = (int)s;
    }
    parse_allow(p, step, cf_case_member(p, exp, path, "allow", cJSON_Array),
                cf_diag_path_key(at, sizeof(at), path, "allow"));
    step->equal = cf_case_member(p, exp, path, "equal", cJSON_Object);
    check_pointer_keys(p, step->equal, cf_diag_path_key(at, sizeof(at), path, "equal"), 1);
    step->not_equal = cf_case_member(p, exp, path, "not_equal", cJSON_Object);
    check_pointer_keys(p, step->not_equal, cf_diag_path_key(at, sizeof(at), path, "not_equal"), 1);
    const cJSON *check = cf_case_member(p, exp, path, "check", cJSON_String);
    if (check && !valid_check_id(check->valuestring))
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "check"),
                      "check id \"%.60s\" must be 1..80 characters of [a-z0-9_.-]",
                      check->valuestring);
    else if (check)
        step->check = check->valuestring;
    step->consistent = cf_case_member(p, exp, path, "consistent", cJSON_Array);
    check_pointer_array(p, step->consistent, cf_diag_path_key(at, sizeof(at), path, "consistent"));
}

/* ---- capture ---- */

static int valid_name(const char *s, size_t max)
{
    if (!*s || strlen(s) > max)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-'))
            return 0;
    return 1;
}

void cf_case_parse_capture(cf_case_parser *p, cf_step *step, const cJSON *cap, const char *path)
{
    char at[CF_PATH_MAX];
    if (!cap)
        return;
    if (!cJSON_IsObject(cap)) {
        cf_case_error(p, path, "\"capture\" must be an object of name -> pointer");
        return;
    }
    step->capture = cap;
    for (const cJSON *m = cap->child; m; m = m->next) {
        cf_diag_path_key(at, sizeof(at), path, m->string);
        if (!valid_name(m->string, 128))
            cf_case_error(p, at,
                          "capture name \"%.80s\" must be 1..128 characters of [A-Za-z0-9_.-]",
                          m->string);
        if (!cJSON_IsString(m) ||
            !(cf_spec_lint_pointer(m->valuestring) || (strncmp(m->valuestring, "header:", 7) == 0 &&
                                                       cf_spec_lint_token(m->valuestring + 7))))
            cf_case_error(p, at, "must be a JSON Pointer (\"/data/id\") or \"header:Name\"");
    }
}

/* ---- cases ---- */

static int valid_case_id(const char *s)
{
    if (!*s || strlen(s) > 200)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-' || *s == ':'))
            return 0;
    return 1;
}

static void parse_tags(cf_case_parser *p, cf_case *cs, const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    char tp[CF_PATH_MAX];
    const cJSON *tags = cf_case_member(p, obj, path, "tags", cJSON_Array);
    size_t nt = tags ? (size_t)cJSON_GetArraySize(tags) : 0;
    if (!nt)
        return;
    cs->tags = calloc(nt, sizeof(*cs->tags));
    if (!cs->tags) {
        cf_case_error(p, path, "out of memory");
        return;
    }
    cf_diag_path_key(tp, sizeof(tp), path, "tags");
    size_t i = 0;
    for (const cJSON *t = tags->child; t; t = t->next, i++) {
        if (cJSON_IsString(t) && t->valuestring[0])
            cs->tags[cs->tag_count++] = t->valuestring;
        else
            cf_case_error(p, cf_diag_path_index(at, sizeof(at), tp, i),
                          "a tag must be a non-empty string");
    }
}

static void parse_scenario(cf_case_parser *p, cf_case *cs, const cJSON *obj, const cJSON *steps,
                           const char *path)
{
    char at[CF_PATH_MAX];
    char sp[CF_PATH_MAX];
    cs->scenario = 1;
    for (const cJSON *m = obj->child; m; m = m->next)
        if (strcmp(m->string, "id") && strcmp(m->string, "summary") && strcmp(m->string, "tags") &&
            strcmp(m->string, "steps") && in_list(p->case_keys, m->string))
            cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, m->string),
                          "a scenario has \"steps\"; move \"%s\" into a step", m->string);
    size_t n = (size_t)cJSON_GetArraySize(steps);
    cf_diag_path_key(sp, sizeof(sp), path, "steps");
    if (n == 0 || n > CF_MAX_STEPS) {
        cf_case_error(p, sp, "a scenario needs 1..%u steps", CF_MAX_STEPS);
        return;
    }
    cs->steps = calloc(n, sizeof(*cs->steps));
    if (!cs->steps) {
        cf_case_error(p, path, "out of memory");
        return;
    }
    cs->step_count = n;
    size_t i = 0;
    for (const cJSON *s = steps->child; s; s = s->next, i++) {
        cf_step *st = &cs->steps[i];
        cf_diag_path_index(at, sizeof(at), sp, i);
        st->parallel = 1;
        st->role = CF_API_ROLE_NONE;
        if (!cJSON_IsObject(s)) {
            cf_case_error(p, at, "a step must be an object, not %s", cf_case_type_of(s));
            continue;
        }
        cf_case_check_keys(p, s, at, p->step_keys);
        const cJSON *name = cf_case_member(p, s, at, "name", cJSON_String);
        st->name = name ? name->valuestring : NULL;
        if (!name)
            cf_case_error(p, at, "missing required member \"name\"");
        p->parse_step(p, st, s, at, 1);
        for (size_t j = 0; st->name && j < i; j++)
            if (cs->steps[j].name && strcmp(st->name, cs->steps[j].name) == 0)
                cf_case_error(p, at, "step name \"%s\" is used twice in this case", st->name);
    }
}

static void parse_case(cf_case_parser *p, cf_case *cs, const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    cf_case_check_keys(p, obj, path, p->case_keys);
    const cJSON *id = cf_case_member(p, obj, path, "id", cJSON_String);
    if (!id)
        cf_case_error(p, path, "missing required member \"id\"");
    else if (!valid_case_id(id->valuestring))
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "id"),
                      "case id \"%.60s\" must be 1..200 characters of [A-Za-z0-9_.:-]",
                      id->valuestring);
    else
        cs->id = id->valuestring;
    const cJSON *summary = cf_case_member(p, obj, path, "summary", cJSON_String);
    cs->summary = summary ? summary->valuestring : NULL;
    parse_tags(p, cs, obj, path);
    const cJSON *steps = cf_case_member(p, obj, path, "steps", cJSON_Array);
    if (steps) {
        parse_scenario(p, cs, obj, steps, path);
        return;
    }
    cs->steps = calloc(1, sizeof(*cs->steps));
    if (!cs->steps) {
        cf_case_error(p, path, "out of memory");
        return;
    }
    cs->step_count = 1;
    cs->steps[0].parallel = 1;
    cs->steps[0].role = CF_API_ROLE_NONE;
    p->parse_step(p, &cs->steps[0], obj, path, 0);
    cs->steps[0].name = cs->id;
}

cf_case *cf_case_parse_all(cf_case_parser *p, const cJSON *cases, const char *path,
                           const char *case_file, size_t *count)
{
    char at[CF_PATH_MAX];
    *count = 0;
    if (!cases)
        return NULL;
    size_t n = (size_t)cJSON_GetArraySize(cases);
    if (n == 0 || n > CF_MAX_CASES) {
        cf_case_error(p, path, "a %s needs 1..%u cases, it has %zu", p->what, CF_MAX_CASES, n);
        return NULL;
    }
    cf_case *all = calloc(n, sizeof(*all));
    if (!all) {
        cf_case_error(p, path, "out of memory");
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *obj = cases->child; obj; obj = obj->next, i++) {
        cf_diag_path_index(at, sizeof(at), path, i);
        cf_case *cs = &all[(*count)++];
        cs->index = i;
        cs->file = case_file;
        if (!cJSON_IsObject(obj)) {
            cf_case_error(p, at, "a case must be an object, not %s", cf_case_type_of(obj));
            continue;
        }
        parse_case(p, cs, obj, at);
        for (size_t j = 0; cs->id && j + 1 < *count; j++)
            if (all[j].id && strcmp(all[j].id, cs->id) == 0)
                cf_case_error(p, at, "case id \"%s\" is already used by %s/%zu", cs->id, path, j);
    }
    return all;
}

/* ---- templates ---- */

typedef struct {
    cf_case_parser *p;
    const char *path;
    int mock;                            /* mock answer templates: mock generators, no captures */
    const cJSON *captured[CF_MAX_STEPS]; /* capture objects of earlier steps */
    size_t captured_count;
} scan_ctx;

static int was_captured(const scan_ctx *s, const char *name)
{
    for (size_t i = 0; i < s->captured_count; i++)
        if (cJSON_GetObjectItemCaseSensitive(s->captured[i], name))
            return 1;
    return 0;
}

static void on_placeholder(void *user, char kind, const char *name, const char *arg)
{
    scan_ctx *s = user;
    cf_case_parser *p = s->p;
    if (kind == '\0') {
        if (!p->has_var(p, name))
            cf_case_error(p, s->path, "{%s} is not a variable; declare it in /variables", name);
    } else if (kind == '@') {
        if (s->mock || !was_captured(s, name))
            cf_case_error(p, s->path,
                          "{@%s} is not captured by an earlier step of this case; capture it "
                          "first (\"capture\": {\"%s\": \"/pointer\"}) or use a variable",
                          name, name);
    } else if (strcmp(name, "repeat") == 0) {
        const char *colon = strrchr(arg, ':');
        char *end = NULL;
        unsigned long n = colon ? strtoul(colon + 1, &end, 10) : 0;
        if (!colon || colon == arg || colon[1] == '\0' || *end || n > 1048576ul)
            cf_case_error(p, s->path, "{$repeat:%s} must be {$repeat:TEXT:N} with N <= 1048576",
                          arg);
    } else if (!cf_template_is_builtin(name) &&
               !(s->mock ? cf_spec_is_mock_generator(name) : cf_spec_is_runner_generator(name))) {
        cf_case_error(p, s->path, "{$%s} is not a generator available %s", name,
                      s->mock ? "to the mock" : "in requests");
    }
}

static void scan_tree(scan_ctx *s, const cJSON *v, const char *path, int depth)
{
    char at[CF_PATH_MAX];
    if (!v || depth > CF_MAX_JSON_DEPTH)
        return;
    if (cJSON_IsString(v)) {
        s->path = path;
        cf_template_scan(v->valuestring, on_placeholder, s);
        return;
    }
    size_t i = 0;
    for (const cJSON *child = v->child; child; child = child->next, i++) {
        if (cJSON_IsObject(v))
            cf_diag_path_key(at, sizeof(at), path, child->string);
        else
            cf_diag_path_index(at, sizeof(at), path, i);
        scan_tree(s, child, at, depth + 1);
    }
}

static void scan_step(scan_ctx *s, const cf_step *st, const char *path, const char *request_key)
{
    char at[CF_PATH_MAX];
    char q[CF_PATH_MAX];
    if (request_key)
        cf_diag_path_key(q, sizeof(q), path, request_key);
    else
        snprintf(q, sizeof(q), "%s", path);
    scan_tree(s, st->path_params, cf_diag_path_key(at, sizeof(at), q, "path"), 0);
    scan_tree(s, st->query, cf_diag_path_key(at, sizeof(at), q, "query"), 0);
    scan_tree(s, st->headers, cf_diag_path_key(at, sizeof(at), q, "headers"), 0);
    scan_tree(s, st->set, cf_diag_path_key(at, sizeof(at), q, "set"), 0);
    scan_tree(s, st->body, cf_diag_path_key(at, sizeof(at), q, "body"), 0);
    if (st->raw_body) {
        s->path = cf_diag_path_key(at, sizeof(at), q, "raw_body");
        cf_template_scan(st->raw_body, on_placeholder, s);
    }
    cf_diag_path_key(q, sizeof(q), path, "expect");
    scan_tree(s, st->equal, cf_diag_path_key(at, sizeof(at), q, "equal"), 0);
    scan_tree(s, st->not_equal, cf_diag_path_key(at, sizeof(at), q, "not_equal"), 0);
}

void cf_case_lint_templates(cf_case_parser *p, const cf_case *cases, size_t count,
                            const char *cases_path)
{
    scan_ctx s = {p, "", 0, {0}, 0};
    char at[CF_PATH_MAX];
    char cp[CF_PATH_MAX];
    char sp[CF_PATH_MAX];
    for (size_t i = 0; i < count; i++) {
        const cf_case *cs = &cases[i];
        s.captured_count = 0;
        cf_diag_path_index(cp, sizeof(cp), cases_path, cs->index);
        for (size_t j = 0; j < cs->step_count; j++) {
            if (cs->scenario)
                cf_diag_path_index(at, sizeof(at), cf_diag_path_key(sp, sizeof(sp), cp, "steps"),
                                   j);
            else
                snprintf(at, sizeof(at), "%s", cp);
            scan_step(&s, &cs->steps[j], at, p->request_key);
            if (cs->steps[j].capture && s.captured_count < CF_MAX_STEPS)
                s.captured[s.captured_count++] = cs->steps[j].capture;
        }
    }
}

void cf_case_lint_tree(cf_case_parser *p, const cJSON *v, const char *path, int mock)
{
    scan_ctx s = {p, path, mock, {0}, 0};
    scan_tree(&s, v, path, 0);
}

void cf_case_lint_string(cf_case_parser *p, const char *str, const char *path, int mock)
{
    scan_ctx s = {p, path, mock, {0}, 0};
    if (str)
        cf_template_scan(str, on_placeholder, &s);
}
