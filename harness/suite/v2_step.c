/* v2_step.c - a suite v2 step: which operation it calls (resolved against the contract), the
 * method, path and query it sets, and the shared members (case_parse.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "contract/spec_lint.h"
#include "suite/internal.h"

#define STEP_MEMBERS                                                                               \
    "operation", "method", "path", "query", "headers", "body", "set", "remove", "raw_body",        \
        "no_body", "parallel", "expect", "capture"

const char *const cf_suite_v2_case_keys[] = {"id", "summary", "tags", "steps", STEP_MEMBERS, NULL};
const char *const cf_suite_v2_step_keys[] = {"name", STEP_MEMBERS, NULL};

/* The first `max` operation ids (plus NULL) for a message; NULL when out of memory. */
static const char **op_names(const cf_api *api, size_t max)
{
    size_t n = api->operation_count < max ? api->operation_count : max;
    const char **names = calloc(n + 1, sizeof(*names));
    for (size_t i = 0; names && i < n; i++)
        names[i] = api->operations[i].id;
    return names;
}

/* The closest operation id to `id` over every operation (not only those listed). */
static const char *closest_op(const cf_api *api, const char *id)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < api->operation_count; i++) {
        size_t d = cf_str_distance(id, api->operations[i].id);
        if (d < best_d && d < strlen(id)) {
            best_d = d;
            best = api->operations[i].id;
        }
    }
    return best;
}

static const cf_api_operation *resolve_op(cf_case_parser *p, cf_step *step, const cJSON *obj,
                                          const char *path)
{
    const cf_suite *s = p->model;
    const cf_api *api = s->api;
    char at[CF_PATH_MAX];
    char list[600];
    const cJSON *name = cf_case_member(p, obj, path, "operation", cJSON_String);
    if (!name && cJSON_GetObjectItemCaseSensitive(obj, "operation"))
        return NULL; /* wrong type, reported */
    if (!name && api->operation_count == 1)
        return &api->operations[0];
    const char **names = op_names(api, 40);
    if (!names) {
        cf_case_error(p, path, "out of memory");
        return NULL;
    }
    cf_str_join(list, sizeof(list), names);
    free(names);
    const char *more = api->operation_count > 40 ? ", ... (conform list CONTRACT)" : "";
    if (!name) {
        cf_case_error(p, path,
                      "missing \"operation\": %s has %zu operations; name the one this step calls "
                      "(%s%s)",
                      s->contract_file, api->operation_count, list, more);
        return NULL;
    }
    step->operation = name->valuestring;
    const cf_api_operation *op = cf_api_operation_find(api, name->valuestring);
    if (op)
        return op;
    const char *near = closest_op(api, name->valuestring);
    cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "operation"),
                  "unknown operation \"%.80s\" in %s (operations: %s%s)%s%s%s", name->valuestring,
                  s->contract_file, list, more, near ? "; did you mean \"" : "", near ? near : "",
                  near ? "\"?" : "");
    return NULL;
}

/* A template name without the greedy '+' of an AWS label ({Key+}). */
static void drop_greedy(char *name)
{
    size_t n = strlen(name);
    if (n && name[n - 1] == '+')
        name[n - 1] = '\0';
}

/* Whether the path template `tmpl` holds {name} (or the greedy {name+}). */
static int template_has(const char *tmpl, const char *name)
{
    cf_api_path_param pp;
    for (const char *s = tmpl; cf_api_path_param_next(s, &pp) == 1; s = pp.after) {
        drop_greedy(pp.name);
        if (!pp.truncated && strcmp(pp.name, name) == 0)
            return 1;
    }
    return 0;
}

static void parse_path(cf_case_parser *p, cf_step *step, const cf_api_operation *op,
                       const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    char pp[CF_PATH_MAX];
    cf_diag_path_key(pp, sizeof(pp), path, "path");
    step->path_params = cf_case_member(p, obj, path, "path", cJSON_Object);
    for (const cJSON *m = step->path_params ? step->path_params->child : NULL; m; m = m->next) {
        cf_diag_path_key(at, sizeof(at), pp, m->string);
        if (!cJSON_IsString(m))
            cf_case_error(p, at, "a path parameter's value must be a string (a template), not %s",
                          cf_case_type_of(m));
        if (op && !template_has(op->path, m->string) &&
            !cf_api_param_find(op, CF_API_IN_PATH, m->string))
            cf_case_error(p, at,
                          "\"%.80s\" is not a path parameter of %s: its path is %s; name the "
                          "parameters in braces there",
                          m->string, op->id, op->path);
    }
    /* Every {name} of the template must get a value, or it would go out literally. */
    cf_api_path_param tp;
    for (const char *s = op ? op->path : NULL; cf_api_path_param_next(s, &tp) == 1; s = tp.after) {
        drop_greedy(tp.name);
        if (!tp.name[0] || tp.truncated)
            continue;
        if (!cJSON_GetObjectItemCaseSensitive(step->path_params, tp.name))
            cf_case_error(p, path,
                          "%s's path %s needs {%s}: add \"path\": {\"%s\": \"...\"} (a value, "
                          "a {variable} or a {@capture})",
                          op->id, op->path, tp.name, tp.name);
    }
}

static void parse_query(cf_case_parser *p, cf_step *step, const cf_api_operation *op,
                        const cJSON *obj, const char *path)
{
    char at[CF_PATH_MAX];
    char qp[CF_PATH_MAX];
    cf_diag_path_key(qp, sizeof(qp), path, "query");
    step->query = cf_case_member(p, obj, path, "query", cJSON_Object);
    for (const cJSON *m = step->query ? step->query->child : NULL; m; m = m->next) {
        cf_diag_path_key(at, sizeof(at), qp, m->string);
        if (!cJSON_IsString(m) && !cJSON_IsNull(m))
            cf_case_error(p, at,
                          "a query parameter must be a string (a template) or null (drop "
                          "it), not %s",
                          cf_case_type_of(m));
        else if (!m->string[0])
            cf_case_error(p, at, "a query parameter needs a name");
        else if (op && !cf_api_param_find(op, CF_API_IN_QUERY, m->string))
            cf_case_warn(p, at,
                         "warning: \"%.80s\" is not a query parameter of %s; it is sent anyway "
                         "(fine for a negative test, else check the name)",
                         m->string, op->id);
    }
}

void cf_suite_v2_step(cf_case_parser *p, cf_step *step, const cJSON *obj, const char *path,
                      int in_scenario)
{
    (void)in_scenario;
    char at[CF_PATH_MAX];
    const cf_api_operation *op = resolve_op(p, step, obj, path);
    step->op = op;
    const cJSON *method = cf_case_member(p, obj, path, "method", cJSON_String);
    if (method && !cf_spec_lint_token(method->valuestring))
        cf_case_error(p, cf_diag_path_key(at, sizeof(at), path, "method"),
                      "\"%.40s\" is not an HTTP method (RFC 9110 token characters only)",
                      method->valuestring);
    else if (method)
        step->method = method->valuestring;
    parse_path(p, step, op, obj, path);
    parse_query(p, step, op, obj, path);
    cf_case_parse_request(p, step, obj, path);
    cf_case_parse_parallel(p, step, obj, path);
    cf_case_parse_expect(p, step, cJSON_GetObjectItemCaseSensitive(obj, "expect"),
                         cf_diag_path_key(at, sizeof(at), path, "expect"));
    cf_case_parse_capture(p, step, cJSON_GetObjectItemCaseSensitive(obj, "capture"),
                          cf_diag_path_key(at, sizeof(at), path, "capture"));
}

int cf_suite_v2_resolve(cf_case_parser *p, const char *name, const char *path, const char **code,
                        cf_api_role *role)
{
    static const char *const roles[] = {
#define CF_ROLE_NAME(e, s) s,
        CF_API_ROLE_MAP(CF_ROLE_NAME)
#undef CF_ROLE_NAME
            NULL};
    const cf_api *api = ((const cf_suite *)p->model)->api;
    *code = NULL;
    *role = cf_api_role_from_name(name);
    if (*role != CF_API_ROLE_NONE) {
        *code = api->roles[*role].code; /* NULL is fine: the role is judged by status */
        return 1;
    }
    const cf_api_error *e = cf_api_error_find(api, name);
    if (e) {
        *code = e->code;
        *role = e->role;
        return 1;
    }
    char list[300];
    const char *near = cf_str_suggest(name, roles);
    for (size_t i = 0; !near && i < api->error_count; i++)
        if (cf_str_distance(name, api->errors[i].code) <= 2)
            near = api->errors[i].code;
    cf_case_error(p, path,
                  "\"%.80s\" is neither a role (%s) nor an error code of the contract (%zu codes, "
                  "see conform list)%s%s%s",
                  name, cf_str_join(list, sizeof(list), roles), api->error_count,
                  near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "");
    return 0;
}
