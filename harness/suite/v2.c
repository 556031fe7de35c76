/* v2.c - suite v2 files ("conform": 2): a title, the contract named by a path relative to the
 * suite, variables merged into the contract's, and cases whose steps call its operations
 * (specs/README.md). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/limits.h"
#include "contract/aws.h"
#include "contract/spec_lint.h"
#include "contract/v1_api.h"
#include "suite/internal.h"

typedef struct {
    cf_case_parser p;
    cf_suite *s;
} v2_ctx;

static const char *const top_keys[] = {"conform", "title", "contract", "variables", "cases", NULL};
static const char *const var_keys[] = {"default", "secret", "description", NULL};

/* `rel` resolved against the folder of `file`; absolute paths stay as they are. */
static char *resolve_path(const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    size_t dir = rel[0] == '/' || !slash ? 0 : (size_t)(slash - file) + 1;
    size_t n = strlen(rel);
    char *out = malloc(dir + n + 1);
    if (!out)
        return NULL;
    memcpy(out, file, dir);
    memcpy(out + dir, rel, n + 1);
    return out;
}

/* A v1 spec named as the contract: its api (the suite keeps the spec alive; the spec's own
 * cases are not the suite's and are dropped). */
static cf_rc load_v1_contract(cf_suite *s, const char *text, size_t len, cf_diags *diags)
{
    cf_rc rc = cf_spec_load_mem(s->contract_file, text, len, &s->v1, diags);
    if (rc != CF_OK)
        return rc;
    cf_cases_free(s->v1->cases, s->v1->case_count);
    s->v1->cases = NULL;
    s->v1->case_count = 0;
    return cf_api_from_spec(s->v1, &s->api);
}

static cf_rc load_contract(v2_ctx *c, const char *rel, const char *at)
{
    cf_suite *s = c->s;
    free(s->contract_file);
    s->contract_file = resolve_path(s->file, rel);
    if (!s->contract_file)
        return CF_E_NOMEM;
    if (cf_aws_file_kind_of(s->contract_file) == CF_AWS_FILE_OVERLAY)
        return cf_aws_load_overlay(s->contract_file, &s->api, c->p.d);
    cf_buf b;
    char err[256];
    cf_rc rc = cf_file_read(s->contract_file, CF_MAX_CONTRACT_FILE, &b, err, sizeof err);
    if (rc != CF_OK) {
        cf_case_error(&c->p, at,
                      "cannot read the contract %s: %s (the path is relative to the "
                      "suite's folder)",
                      s->contract_file, err);
        return rc;
    }
    const char *text = cf_buf_str(&b);
    if (cf_suite_sniff_v2(text, b.len)) {
        cf_case_error(&c->p, at,
                      "%s is a suite; \"contract\" names a contract (OpenAPI, AWS model or "
                      "overlay, v1 spec)",
                      s->contract_file);
        rc = CF_E_INVALID;
    } else if (cf_api_sniff(text, b.len)) {
        rc = cf_api_load_file(s->contract_file, &s->api, c->p.d);
    } else {
        rc = load_v1_contract(s, text, b.len, c->p.d);
    }
    cf_buf_free(&b);
    if (rc != CF_OK && rc != CF_E_NOMEM && rc != CF_E_IO)
        cf_case_error(&c->p, at,
                      "the contract %s did not load (its problems are listed above); "
                      "conform lint %s",
                      s->contract_file, s->contract_file);
    return rc == CF_E_NOT_FOUND ? CF_E_INVALID : rc;
}

static int valid_var_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* One entry of "variables" into `v` (name set by the caller); 0 when it is malformed. */
static int parse_var(v2_ctx *c, cf_api_var *v, const cJSON *obj, const char *at)
{
    size_t before = *c->p.errors;
    if (!cJSON_IsObject(obj)) {
        cf_case_error(&c->p, at,
                      "a variable is an object {\"default\", \"secret\", \"description\"}, not %s",
                      cf_case_type_of(obj));
        return 0;
    }
    cf_case_check_keys(&c->p, obj, at, var_keys);
    const cJSON *def = cf_case_member(&c->p, obj, at, "default", cJSON_String);
    const cJSON *secret = cf_case_member(&c->p, obj, at, "secret", cJSON_True | cJSON_False);
    const cJSON *desc = cf_case_member(&c->p, obj, at, "description", cJSON_String);
    if (def)
        v->default_value = def->valuestring;
    if (desc)
        v->description = desc->valuestring;
    v->secret |= cJSON_IsTrue(secret); /* a contract's secret stays secret */
    return *c->p.errors == before;
}

/* The suite's variables merged into the api's: a name both give takes the suite's default and
 * description. The merged array is the api's (its arena); strings borrow from the suite. */
static void merge_vars(v2_ctx *c, const cJSON *vars)
{
    char at[CF_PATH_MAX];
    cf_api *api = c->s->api;
    size_t n = vars ? (size_t)cJSON_GetArraySize(vars) : 0;
    if (n == 0)
        return;
    if (n > CF_MAX_VARS) {
        cf_case_error(&c->p, "/variables", "a suite may declare at most %u variables, not %zu",
                      CF_MAX_VARS, n);
        return;
    }
    cf_api_var *merged = cf_api_alloc(api, (api->var_count + n) * sizeof(*merged));
    if (!merged) {
        cf_case_error(&c->p, "/variables", "out of memory");
        return;
    }
    size_t count = api->var_count;
    if (count)
        memcpy(merged, api->vars, count * sizeof(*merged));
    for (const cJSON *m = vars->child; m; m = m->next) {
        cf_diag_path_key(at, sizeof(at), "/variables", m->string);
        if (!valid_var_name(m->string)) {
            cf_case_error(&c->p, at,
                          "variable name \"%.80s\" must match [A-Za-z_][A-Za-z0-9_]* "
                          "(at most 64 characters)",
                          m->string);
            continue;
        }
        size_t k = 0;
        while (k < count && strcmp(merged[k].name, m->string) != 0)
            k++;
        cf_api_var v = k < count ? merged[k] : (cf_api_var){.name = m->string};
        if (parse_var(c, &v, m, at) && k == count)
            merged[count++] = v;
        else if (k < count)
            merged[k] = v;
    }
    api->vars = merged;
    api->var_count = count;
}

static int has_var(const cf_case_parser *p, const char *name)
{
    return cf_api_var_find(((const cf_suite *)p->model)->api, name) != NULL;
}

/* The document's top level: returns the "cases" member, or NULL when the contract could not be
 * loaded (nothing else can be checked without it). */
static const cJSON *read_top(v2_ctx *c, const cJSON *root, cf_rc *rc)
{
    cf_case_check_keys(&c->p, root, "", top_keys);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "conform");
    if (!cJSON_IsNumber(version) || version->valuedouble != 2)
        cf_case_error(&c->p, "/conform", "a suite v2 file starts with \"conform\": 2");
    cf_case_member(&c->p, root, "", "title", cJSON_String); /* `conform list` shows it */
    const cJSON *contract = cf_case_member(&c->p, root, "", "contract", cJSON_String);
    const cJSON *cases = cf_case_member(&c->p, root, "", "cases", cJSON_Array);
    const cJSON *vars = cf_case_member(&c->p, root, "", "variables", cJSON_Object);
    if (!cJSON_GetObjectItemCaseSensitive(root, "cases"))
        cf_case_error(&c->p, "", "missing required member \"cases\" (an array of cases)");
    if (!contract) {
        if (!cJSON_GetObjectItemCaseSensitive(root, "contract"))
            cf_case_error(&c->p, "",
                          "missing required member \"contract\": the path of the contract "
                          "(OpenAPI document, AWS model or overlay), relative to this file");
        *rc = CF_E_INVALID;
        return NULL;
    }
    *rc = c->s->api ? CF_OK : load_contract(c, contract->valuestring, "/contract");
    if (*rc != CF_OK)
        return NULL;
    merge_vars(c, vars);
    return cases;
}

cf_rc cf_suite_v2_load(cf_suite *s, const char *buf, size_t len, cf_diags *diags)
{
    size_t errors = 0;
    v2_ctx c = {{.file = s->file,
                 .d = diags,
                 .errors = &errors,
                 .what = "suite",
                 .case_keys = cf_suite_v2_case_keys,
                 .step_keys = cf_suite_v2_step_keys,
                 .parse_step = cf_suite_v2_step,
                 .resolve = cf_suite_v2_resolve,
                 .has_var = has_var,
                 .expect_required = 0,
                 .request_key = NULL,
                 .model = s},
                s};
    if (len > CF_MAX_SPEC_FILE) {
        cf_diags_add(diags, s->file, "", "a suite file may hold at most %u bytes",
                     CF_MAX_SPEC_FILE);
        return CF_E_TOO_LARGE;
    }
    size_t off = 0;
    cf_rc prc = cf_json_parse(buf, len, CF_MAX_JSON_DEPTH, &s->root, &off);
    if (prc != CF_OK) {
        cf_diags_add(diags, s->file, "", "not valid JSON at line %zu (byte %zu)%s",
                     cf_spec_line_of(buf, len, off), off,
                     prc == CF_E_TOO_DEEP ? ": nested deeper than the limit" : "");
        return CF_E_INVALID;
    }
    if (!cJSON_IsObject(s->root)) {
        cf_diags_add(diags, s->file, "", "a suite is a JSON object; this is not one");
        return CF_E_INVALID;
    }
    cf_rc rc = CF_OK;
    const cJSON *cases = read_top(&c, s->root, &rc);
    if (rc != CF_OK)
        return rc == CF_E_NOMEM ? rc : CF_E_INVALID;
    s->cases = cf_case_parse_all(&c.p, cases, "/cases", s->file, &s->case_count);
    cf_case_lint_templates(&c.p, s->cases, s->case_count, "/cases");
    return errors ? CF_E_INVALID : CF_OK;
}
