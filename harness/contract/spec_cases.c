/* spec_cases.c - loads the cases of a spec and lints what the loader cannot check member by
 * member: headers, credentials and every template's placeholders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "contract/spec_lint.h"
#include "contract/template.h"

typedef struct {
    const char *file;
    cf_diags *d;
    size_t *errors;
    cf_spec *spec;
} ctx_t;

#define ERR(c, path, ...)                                                                          \
    do {                                                                                           \
        (*(c)->errors)++;                                                                          \
        cf_diags_add((c)->d, (c)->file, (path), __VA_ARGS__);                                      \
    } while (0)

int cf_spec_lint_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (!s || !*s)
        return 0;
    for (const char *c = s; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 strchr(extra, *c) != NULL;
        if (!ok)
            return 0;
    }
    return 1;
}

size_t cf_spec_line_of(const char *buf, size_t len, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset && i < len; i++)
        if (buf[i] == '\n')
            line++;
    return line;
}

static const char *const runner_generators[] = {"token", NULL};
static const char *const mock_generators[] = {
    "id", "created_at", "expiry", "signature", "request_id", "code", "message", "size", NULL};

static int in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

int cf_spec_is_runner_generator(const char *name)
{
    return in_list(runner_generators, name);
}

int cf_spec_is_mock_generator(const char *name)
{
    return in_list(mock_generators, name);
}

void cf_spec_lint_headers(const char *file, const cJSON *headers, const char *path, int allow_null,
                          cf_diags *d, size_t *errors)
{
    ctx_t c = {file, d, errors, NULL};
    char p[CF_PATH_MAX];
    for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
        cf_diag_path_key(p, sizeof(p), path, h->string);
        if (!cf_spec_lint_token(h->string))
            ERR(&c, p, "\"%s\" is not a valid header name (RFC 9110 token characters only)",
                h->string);
        if (cJSON_IsNull(h) && allow_null)
            continue;
        if (!cJSON_IsString(h)) {
            ERR(&c, p, "a header value must be a string%s", allow_null ? " or null" : "");
            continue;
        }
        if (strpbrk(h->valuestring, "\r\n"))
            ERR(&c, p, "header value contains CR or LF, which would inject headers");
    }
}

void cf_spec_lint_auth_vars(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors)
{
    ctx_t c = {file, d, errors, NULL};
    char p[CF_PATH_MAX];
    for (size_t i = 0; i < spec->op.auth_var_count; i++) {
        const cf_var *v = cf_spec_var(spec, spec->op.auth_vars[i]);
        cf_diag_path_index(p, sizeof(p), "/operation/auth/accept", i);
        if (!v)
            ERR(&c, p, "\"%s\" is not declared in /variables", spec->op.auth_vars[i]);
        else if (!v->secret)
            ERR(&c, p,
                "credential variable \"%s\" must be marked \"secret\": true so it is redacted",
                v->name);
    }
}

/* ---- cases ---- */

static const char *type_of(const cJSON *v)
{
    return cJSON_IsString(v)   ? "a string"
           : cJSON_IsNumber(v) ? "a number"
           : cJSON_IsObject(v) ? "an object"
           : cJSON_IsArray(v)  ? "an array"
           : cJSON_IsBool(v)   ? "a boolean"
                               : "null";
}

static void check_keys(ctx_t *c, const cJSON *obj, const char *path, const char *const *allowed)
{
    char p[CF_PATH_MAX];
    for (const cJSON *m = obj->child; m; m = m->next)
        if (!in_list(allowed, m->string))
            ERR(c, cf_diag_path_key(p, sizeof(p), path, m->string), "unknown key \"%s\" here",
                m->string);
}

static const cJSON *get(ctx_t *c, const cJSON *obj, const char *path, const char *key, int type)
{
    char p[CF_PATH_MAX];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v && type && !(v->type & type)) {
        ERR(c, cf_diag_path_key(p, sizeof(p), path, key), "\"%s\" must be %s, not %s", key,
            type == cJSON_String   ? "a string"
            : type == cJSON_Object ? "an object"
            : type == cJSON_Array  ? "an array"
            : type == cJSON_Number ? "a number"
                                   : "a boolean",
            type_of(v));
        return NULL;
    }
    return v;
}

static int is_pointer(const char *s)
{
    return s && cf_spec_lint_pointer(s);
}

int cf_spec_lint_pointer(const char *s)
{
    if (s[0] != '\0' && s[0] != '/')
        return 0;
    for (const char *c = s; *c; c++)
        if (*c == '~' && c[1] != '0' && c[1] != '1')
            return 0; /* RFC 6901: '~' only as ~0 or ~1 */
    return 1;
}

static void check_pointer_keys(ctx_t *c, const cJSON *obj, const char *path, int string_values)
{
    char p[CF_PATH_MAX];
    for (const cJSON *m = obj ? obj->child : NULL; m; m = m->next) {
        cf_diag_path_key(p, sizeof(p), path, m->string);
        if (!is_pointer(m->string) || m->string[0] == '\0')
            ERR(c, p, "\"%s\" is not a JSON Pointer; write it like \"/ContentType\"", m->string);
        if (string_values && !cJSON_IsString(m))
            ERR(c, p, "must be a string (a template such as \"{@id}\"), not %s", type_of(m));
    }
}

static void check_pointer_array(ctx_t *c, const cJSON *arr, const char *path)
{
    char p[CF_PATH_MAX];
    size_t i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++)
        if (!cJSON_IsString(e) || !is_pointer(e->valuestring) || e->valuestring[0] == '\0')
            ERR(c, cf_diag_path_index(p, sizeof(p), path, i),
                "must be a JSON Pointer string like \"/data/id\"");
}

static void load_request(ctx_t *c, cf_step *step, const cJSON *req, const char *path)
{
    static const char *const keys[] = {"headers",  "set",     "remove", "body",
                                       "raw_body", "no_body", NULL};
    if (!req)
        return;
    if (!cJSON_IsObject(req)) {
        ERR(c, path, "\"request\" must be an object, not %s", type_of(req));
        return;
    }
    char p[CF_PATH_MAX];
    check_keys(c, req, path, keys);
    step->headers = get(c, req, path, "headers", cJSON_Object);
    cf_spec_lint_headers(c->file, step->headers, cf_diag_path_key(p, sizeof(p), path, "headers"), 1,
                         c->d, c->errors);
    step->set = get(c, req, path, "set", cJSON_Object);
    check_pointer_keys(c, step->set, cf_diag_path_key(p, sizeof(p), path, "set"), 0);
    step->remove = get(c, req, path, "remove", cJSON_Array);
    check_pointer_array(c, step->remove, cf_diag_path_key(p, sizeof(p), path, "remove"));
    step->body = cJSON_GetObjectItemCaseSensitive(req, "body");
    const cJSON *raw = get(c, req, path, "raw_body", cJSON_String);
    step->raw_body = raw ? raw->valuestring : NULL;
    const cJSON *no_body = get(c, req, path, "no_body", cJSON_True | cJSON_False);
    step->no_body = cJSON_IsTrue(no_body);
    int kinds = !!step->body + !!raw + step->no_body;
    if (kinds > 1)
        ERR(c, path, "give at most one of \"body\", \"raw_body\" and \"no_body\"");
    if ((raw || step->no_body) && (step->set || step->remove))
        ERR(c, path, "\"set\"/\"remove\" change a JSON body; they cannot go with %s",
            raw ? "\"raw_body\"" : "\"no_body\"");
}

/* A role name or a catalogue code -> the code; NULL (reported) when neither. */
static const char *code_of(ctx_t *c, const char *name, const char *path)
{
    int role = cf_spec_role_from_name(name);
    if (role >= 0) {
        const char *code = cf_spec_role_code(c->spec, (cf_role)role);
        if (!code)
            ERR(c, path, "role \"%s\" has no code in /errors/roles", name);
        return code;
    }
    if (cf_spec_code_status(c->spec, name) < 0) {
        ERR(c, path, "\"%s\" is neither a role nor a code of /errors/codes", name);
        return NULL;
    }
    return name;
}

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

static void load_expect(ctx_t *c, cf_step *step, const cJSON *exp, const char *path)
{
    static const char *const keys[] = {"success",   "error",      "status", "allow", "equal",
                                       "not_equal", "consistent", "check",  NULL};
    char p[CF_PATH_MAX];
    if (!exp) {
        ERR(c, path[0] ? path : "/", "missing required member \"expect\"");
        return;
    }
    if (!cJSON_IsObject(exp)) {
        ERR(c, path, "\"expect\" must be an object, not %s", type_of(exp));
        return;
    }
    check_keys(c, exp, path, keys);
    const cJSON *success = get(c, exp, path, "success", cJSON_True | cJSON_False);
    const cJSON *error = get(c, exp, path, "error", cJSON_String);
    if (error) {
        step->outcome = CF_OUTCOME_ERROR;
        step->code = code_of(c, error->valuestring, cf_diag_path_key(p, sizeof(p), path, "error"));
        if (cJSON_IsTrue(success))
            ERR(c, path, "\"success\": true contradicts \"error\"");
    } else if (success) {
        step->outcome = cJSON_IsTrue(success) ? CF_OUTCOME_SUCCESS : CF_OUTCOME_ERROR;
    } else {
        ERR(c, path, "say what must come back: \"success\": true, or \"error\": ROLE-or-CODE");
    }
    const cJSON *status = get(c, exp, path, "status", cJSON_Number);
    if (status) {
        double s = status->valuedouble;
        if (!(s >= 100 && s <= 599) || s != floor(s))
            ERR(c, cf_diag_path_key(p, sizeof(p), path, "status"),
                "status must be an integer 100..599");
        else
            step->status = (int)s;
    }
    const cJSON *allow = get(c, exp, path, "allow", cJSON_Array);
    size_t n = allow ? (size_t)cJSON_GetArraySize(allow) : 0;
    if (n) {
        step->allow_codes = calloc(n, sizeof(*step->allow_codes));
        if (!step->allow_codes) {
            ERR(c, path, "out of memory");
            return;
        }
        size_t i = 0;
        for (const cJSON *a = allow->child; a; a = a->next, i++) {
            cf_diag_path_index(p, sizeof(p), path, i);
            if (!cJSON_IsString(a)) {
                ERR(c, p, "must be a role or code (a string)");
                continue;
            }
            const char *code = code_of(c, a->valuestring, p);
            if (code)
                step->allow_codes[step->allow_count++] = code;
        }
    }
    step->equal = get(c, exp, path, "equal", cJSON_Object);
    check_pointer_keys(c, step->equal, cf_diag_path_key(p, sizeof(p), path, "equal"), 1);
    step->not_equal = get(c, exp, path, "not_equal", cJSON_Object);
    check_pointer_keys(c, step->not_equal, cf_diag_path_key(p, sizeof(p), path, "not_equal"), 1);
    const cJSON *check = get(c, exp, path, "check", cJSON_String);
    if (check && !valid_check_id(check->valuestring))
        ERR(c, cf_diag_path_key(p, sizeof(p), path, "check"),
            "check id \"%.60s\" must be 1..80 characters of [a-z0-9_.-]", check->valuestring);
    else if (check)
        step->check = check->valuestring;
    step->consistent = get(c, exp, path, "consistent", cJSON_Array);
    check_pointer_array(c, step->consistent, cf_diag_path_key(p, sizeof(p), path, "consistent"));
}

static void load_capture(ctx_t *c, cf_step *step, const cJSON *cap, const char *path)
{
    char p[CF_PATH_MAX];
    if (!cap)
        return;
    if (!cJSON_IsObject(cap)) {
        ERR(c, path, "\"capture\" must be an object of name -> pointer");
        return;
    }
    step->capture = cap;
    for (const cJSON *m = cap->child; m; m = m->next) {
        cf_diag_path_key(p, sizeof(p), path, m->string);
        int name_ok = m->string[0] != '\0';
        for (const char *s = m->string; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                  (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
                name_ok = 0;
        if (!name_ok)
            ERR(c, p, "capture name \"%s\" must use [A-Za-z0-9_.-]", m->string);
        if (!cJSON_IsString(m) ||
            !(is_pointer(m->valuestring) || strncmp(m->valuestring, "header:", 7) == 0))
            ERR(c, p, "must be a JSON Pointer (\"/data/id\") or \"header:Name\"");
    }
}

static void load_step(ctx_t *c, cf_step *step, const cJSON *obj, const char *path, int in_scenario)
{
    static const char *const keys[] = {"name", "request", "expect", "capture", "parallel", NULL};
    char p[CF_PATH_MAX];
    step->parallel = 1;
    step->role = CF_API_ROLE_NONE; /* v1 names codes; the role is derived from them */
    if (in_scenario) {
        if (!cJSON_IsObject(obj)) {
            ERR(c, path, "a step must be an object, not %s", type_of(obj));
            return;
        }
        check_keys(c, obj, path, keys);
        const cJSON *name = get(c, obj, path, "name", cJSON_String);
        step->name = name ? name->valuestring : NULL;
        if (!name)
            ERR(c, path, "missing required member \"name\"");
        const cJSON *par = get(c, obj, path, "parallel", cJSON_Number);
        if (par) {
            double v = par->valuedouble;
            if (!(v >= 1 && v <= CF_MAX_PARALLEL) || v != floor(v))
                ERR(c, cf_diag_path_key(p, sizeof(p), path, "parallel"),
                    "parallel must be an integer 1..%u", CF_MAX_PARALLEL);
            else
                step->parallel = (unsigned)v;
        }
    }
    load_request(c, step, cJSON_GetObjectItemCaseSensitive(obj, "request"),
                 cf_diag_path_key(p, sizeof(p), path, "request"));
    load_expect(c, step, cJSON_GetObjectItemCaseSensitive(obj, "expect"),
                cf_diag_path_key(p, sizeof(p), path, "expect"));
    load_capture(c, step, cJSON_GetObjectItemCaseSensitive(obj, "capture"),
                 cf_diag_path_key(p, sizeof(p), path, "capture"));
}

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

static void load_case(ctx_t *c, cf_case *cs, const cJSON *obj, const char *path)
{
    static const char *const keys[] = {"id",     "summary", "tags",  "request",
                                       "expect", "capture", "steps", NULL};
    char p[CF_PATH_MAX];
    check_keys(c, obj, path, keys);
    const cJSON *id = get(c, obj, path, "id", cJSON_String);
    if (!id) {
        ERR(c, path, "missing required member \"id\"");
    } else if (!valid_case_id(id->valuestring)) {
        ERR(c, cf_diag_path_key(p, sizeof(p), path, "id"),
            "case id \"%.60s\" must be 1..200 characters of [A-Za-z0-9_.:-]", id->valuestring);
    } else {
        cs->id = id->valuestring;
    }
    const cJSON *summary = get(c, obj, path, "summary", cJSON_String);
    cs->summary = summary ? summary->valuestring : NULL;
    const cJSON *tags = get(c, obj, path, "tags", cJSON_Array);
    size_t nt = tags ? (size_t)cJSON_GetArraySize(tags) : 0;
    if (nt) {
        cs->tags = calloc(nt, sizeof(*cs->tags));
        if (!cs->tags) {
            ERR(c, path, "out of memory");
            return;
        }
        size_t i = 0;
        for (const cJSON *t = tags->child; t; t = t->next, i++) {
            if (cJSON_IsString(t) && t->valuestring[0])
                cs->tags[cs->tag_count++] = t->valuestring;
            else {
                char tp[CF_PATH_MAX];
                ERR(c,
                    cf_diag_path_index(p, sizeof(p), cf_diag_path_key(tp, sizeof(tp), path, "tags"),
                                       i),
                    "a tag must be a non-empty string");
            }
        }
    }
    const cJSON *steps = get(c, obj, path, "steps", cJSON_Array);
    if (steps) {
        cs->scenario = 1;
        if (cJSON_GetObjectItemCaseSensitive(obj, "request") ||
            cJSON_GetObjectItemCaseSensitive(obj, "expect") ||
            cJSON_GetObjectItemCaseSensitive(obj, "capture"))
            ERR(c, path,
                "a scenario has \"steps\"; move \"request\"/\"expect\"/\"capture\" into a step");
        size_t n = (size_t)cJSON_GetArraySize(steps);
        if (n == 0 || n > CF_MAX_STEPS) {
            ERR(c, cf_diag_path_key(p, sizeof(p), path, "steps"), "a scenario needs 1..%u steps",
                CF_MAX_STEPS);
            return;
        }
        cs->steps = calloc(n, sizeof(*cs->steps));
        if (!cs->steps) {
            ERR(c, path, "out of memory");
            return;
        }
        char sp[CF_PATH_MAX];
        cf_diag_path_key(sp, sizeof(sp), path, "steps");
        size_t i = 0;
        for (const cJSON *s = steps->child; s; s = s->next, i++) {
            load_step(c, &cs->steps[i], s, cf_diag_path_index(p, sizeof(p), sp, i), 1);
            for (size_t j = 0; j < i; j++)
                if (cs->steps[i].name && cs->steps[j].name &&
                    strcmp(cs->steps[i].name, cs->steps[j].name) == 0)
                    ERR(c, p, "step name \"%s\" is used twice in this case", cs->steps[i].name);
        }
        cs->step_count = n;
    } else {
        cs->steps = calloc(1, sizeof(*cs->steps));
        if (!cs->steps) {
            ERR(c, path, "out of memory");
            return;
        }
        cs->step_count = 1;
        load_step(c, &cs->steps[0], obj, path, 0);
        cs->steps[0].name = cs->id;
    }
}

void cf_spec_load_cases(const char *file, cf_spec *spec, const cJSON *cases, cf_diags *d,
                        size_t *errors)
{
    ctx_t c = {file, d, errors, spec};
    char p[CF_PATH_MAX];
    if (!cases)
        return;
    size_t n = (size_t)cJSON_GetArraySize(cases);
    if (n == 0 || n > CF_MAX_CASES) {
        ERR(&c, "/cases", "a spec needs 1..%u cases, it has %zu", CF_MAX_CASES, n);
        return;
    }
    spec->cases = calloc(n, sizeof(*spec->cases));
    if (!spec->cases) {
        ERR(&c, "/cases", "out of memory");
        return;
    }
    size_t i = 0;
    for (const cJSON *obj = cases->child; obj; obj = obj->next, i++) {
        cf_diag_path_index(p, sizeof(p), "/cases", i);
        cf_case *cs = &spec->cases[spec->case_count++];
        cs->index = i;
        cs->file = spec->file;
        if (!cJSON_IsObject(obj)) {
            ERR(&c, p, "a case must be an object, not %s", type_of(obj));
            continue;
        }
        load_case(&c, cs, obj, p);
        for (size_t j = 0; cs->id && j + 1 < spec->case_count; j++)
            if (spec->cases[j].id && strcmp(spec->cases[j].id, cs->id) == 0)
                ERR(&c, p, "case id \"%s\" is already used by /cases/%zu", cs->id, j);
    }
}

/* ---- templates ---- */

typedef struct {
    ctx_t *c;
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
    ctx_t *c = s->c;
    if (kind == '\0') {
        if (!cf_spec_var(c->spec, name))
            ERR(c, s->path, "{%s} is not a variable; declare it in /variables", name);
    } else if (kind == '@') {
        if (s->mock || !was_captured(s, name))
            ERR(c, s->path, "{@%s} is not captured by an earlier step of this case", name);
    } else if (strcmp(name, "repeat") == 0) {
        const char *colon = strrchr(arg, ':');
        char *end = NULL;
        unsigned long n = colon ? strtoul(colon + 1, &end, 10) : 0;
        if (!colon || colon == arg || colon[1] == '\0' || *end || n > 1048576ul)
            ERR(c, s->path, "{$repeat:%s} must be {$repeat:TEXT:N} with N <= 1048576", arg);
    } else if (!cf_template_is_builtin(name) &&
               !(s->mock ? cf_spec_is_mock_generator(name) : cf_spec_is_runner_generator(name))) {
        ERR(c, s->path, "{$%s} is not a generator available %s", name,
            s->mock ? "to the mock" : "in requests");
    }
}

static void scan_tree(scan_ctx *s, const cJSON *v, const char *path, int depth)
{
    char p[CF_PATH_MAX];
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
            cf_diag_path_key(p, sizeof(p), path, child->string);
        else
            cf_diag_path_index(p, sizeof(p), path, i);
        scan_tree(s, child, p, depth + 1);
    }
}

static void scan_step(scan_ctx *s, const cf_step *st, const char *path)
{
    char p[CF_PATH_MAX];
    char q[CF_PATH_MAX];
    cf_diag_path_key(q, sizeof(q), path, "request");
    scan_tree(s, st->headers, cf_diag_path_key(p, sizeof(p), q, "headers"), 0);
    scan_tree(s, st->set, cf_diag_path_key(p, sizeof(p), q, "set"), 0);
    scan_tree(s, st->body, cf_diag_path_key(p, sizeof(p), q, "body"), 0);
    if (st->raw_body) {
        s->path = cf_diag_path_key(p, sizeof(p), q, "raw_body");
        cf_template_scan(st->raw_body, on_placeholder, s);
    }
    cf_diag_path_key(q, sizeof(q), path, "expect");
    scan_tree(s, st->equal, cf_diag_path_key(p, sizeof(p), q, "equal"), 0);
    scan_tree(s, st->not_equal, cf_diag_path_key(p, sizeof(p), q, "not_equal"), 0);
}

void cf_spec_lint_templates(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors)
{
    ctx_t c = {file, d, errors, (cf_spec *)spec};
    scan_ctx s = {&c, "", 0, {0}, 0};
    char p[CF_PATH_MAX];
    if (spec->server_url) {
        s.path = "/server/url";
        cf_template_scan(spec->server_url, on_placeholder, &s);
    }
    scan_tree(&s, spec->op.headers, "/operation/headers", 0);
    scan_tree(&s, spec->op.example, "/operation/example", 0);
    for (size_t i = 0; i < spec->case_count; i++) {
        const cf_case *cs = &spec->cases[i];
        s.captured_count = 0;
        char cp[CF_PATH_MAX];
        cf_diag_path_index(cp, sizeof(cp), "/cases", cs->index);
        for (size_t j = 0; j < cs->step_count; j++) {
            char sp[CF_PATH_MAX];
            if (cs->scenario)
                cf_diag_path_index(p, sizeof(p), cf_diag_path_key(sp, sizeof(sp), cp, "steps"), j);
            else
                snprintf(p, sizeof(p), "%s", cp);
            scan_step(&s, &cs->steps[j], p);
            if (cs->steps[j].capture && s.captured_count < CF_MAX_STEPS)
                s.captured[s.captured_count++] = cs->steps[j].capture;
        }
    }
    s.mock = 1;
    s.captured_count = 0;
    scan_tree(&s, spec->mock.headers, "/mock/headers", 0);
    scan_tree(&s, spec->mock.success_headers, "/mock/success/headers", 0);
    scan_tree(&s, spec->mock.success_body, "/mock/success/body", 0);
    scan_tree(&s, spec->mock.error_headers, "/mock/error/headers", 0);
    scan_tree(&s, spec->mock.error_body, "/mock/error/body", 0);
}
