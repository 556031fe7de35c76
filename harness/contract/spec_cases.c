/* spec_cases.c - loads the cases of a v1 spec (through the shared case parser, with the v1
 * "request" object and codes from /errors) and lints what the loader cannot check member by
 * member: headers, credentials and every template's placeholders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "contract/case_parse.h"
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

int cf_spec_lint_pointer(const char *s)
{
    if (s[0] != '\0' && s[0] != '/')
        return 0;
    for (const char *c = s; *c; c++)
        if (*c == '~' && c[1] != '0' && c[1] != '1')
            return 0; /* RFC 6901: '~' only as ~0 or ~1 */
    return 1;
}

/* v1 names codes: a role stands for the code /errors/roles gives it; the step's role stays
 * none (the runner derives it from the code). */
static int v1_resolve(cf_case_parser *p, const char *name, const char *path, const char **code,
                      cf_api_role *role)
{
    const cf_spec *spec = p->model;
    *role = CF_API_ROLE_NONE;
    *code = NULL;
    int r = cf_spec_role_from_name(name);
    if (r >= 0) {
        *code = cf_spec_role_code(spec, (cf_role)r);
        if (!*code)
            cf_case_error(p, path, "role \"%s\" has no code in /errors/roles", name);
        return *code != NULL;
    }
    if (cf_spec_code_status(spec, name) < 0) {
        cf_case_error(p, path, "\"%s\" is neither a role nor a code of /errors/codes", name);
        return 0;
    }
    *code = name;
    return 1;
}

static int v1_has_var(const cf_case_parser *p, const char *name)
{
    return cf_spec_var(p->model, name) != NULL;
}

/* The v1 step: its request members sit in a "request" object. */
static void v1_step(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path,
                    int in_scenario)
{
    static const char *const keys[] = {"headers",  "set",     "remove", "body",
                                       "raw_body", "no_body", NULL};
    char at[CF_PATH_MAX];
    if (in_scenario)
        cf_case_parse_parallel(p, step, obj, path);
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(obj, "request");
    cf_diag_path_key(at, sizeof(at), path, "request");
    if (req && !cJSON_IsObject(req)) {
        cf_case_error(p, at, "\"request\" must be an object, not %s", cf_case_type_of(req));
    } else if (req) {
        cf_case_check_keys(p, req, at, keys);
        cf_case_parse_request(p, step, req, at);
    }
    cf_case_parse_expect(p, step, cJSON_GetObjectItemCaseSensitive(obj, "expect"),
                         cf_diag_path_key(at, sizeof(at), path, "expect"));
    cf_case_parse_capture(p, step, cJSON_GetObjectItemCaseSensitive(obj, "capture"),
                          cf_diag_path_key(at, sizeof(at), path, "capture"));
}

static cf_case_parser v1_parser(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors)
{
    static const char *const case_keys[] = {"id",     "summary", "tags",  "request",
                                            "expect", "capture", "steps", NULL};
    static const char *const step_keys[] = {"name",    "request",  "expect",
                                            "capture", "parallel", NULL};
    cf_case_parser p = {.file = file,
                        .d = d,
                        .errors = errors,
                        .what = "spec",
                        .case_keys = case_keys,
                        .step_keys = step_keys,
                        .parse_step = v1_step,
                        .resolve = v1_resolve,
                        .has_var = v1_has_var,
                        .expect_required = 1,
                        .request_key = "request",
                        .model = spec};
    return p;
}

void cf_spec_load_cases(const char *file, cf_spec *spec, const cJSON *cases, cf_diags *d,
                        size_t *errors)
{
    cf_case_parser p = v1_parser(file, spec, d, errors);
    spec->cases = cf_case_parse_all(&p, cases, "/cases", spec->file, &spec->case_count);
}

void cf_spec_lint_templates(const char *file, const cf_spec *spec, cf_diags *d, size_t *errors)
{
    cf_case_parser p = v1_parser(file, spec, d, errors);
    cf_case_lint_string(&p, spec->server_url, "/server/url", 0);
    cf_case_lint_tree(&p, spec->op.headers, "/operation/headers", 0);
    cf_case_lint_tree(&p, spec->op.example, "/operation/example", 0);
    cf_case_lint_templates(&p, spec->cases, spec->case_count, "/cases");
    cf_case_lint_tree(&p, spec->mock.headers, "/mock/headers", 1);
    cf_case_lint_tree(&p, spec->mock.success_headers, "/mock/success/headers", 1);
    cf_case_lint_tree(&p, spec->mock.success_body, "/mock/success/body", 1);
    cf_case_lint_tree(&p, spec->mock.error_headers, "/mock/error/headers", 1);
    cf_case_lint_tree(&p, spec->mock.error_body, "/mock/error/body", 1);
}
