/* serve.c - `conform serve FILE`: runs the mock server for every operation of a contract (a
 * v1 spec, an OpenAPI document, an AWS model or overlay, a suite, or a folder holding one)
 * until SIGINT or SIGTERM. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/target.h"
#include "mock/mock.h"
#include "contract/spec.h"
#include "contract/vars.h"
#include "base/buf.h"
#include "base/limits.h"
#include "suite/suite.h"

static const char usage_head[] =
    "usage: conform serve FILE [--port N] [--bind ADDR] [--var NAME=VALUE]...\n"
    "                          [--fault NAME=VALUE]... [--seed N]\n"
    "\n"
    "Serves every operation of FILE as a mock HTTP server until SIGINT or SIGTERM. FILE is a\n"
    "spec, an OpenAPI document, an AWS model or its overlay, a suite, or a folder (its\n"
    "service.json, else its overlay).\n";

static const char usage_tail[] =
    "exit status: 0 stopped by a signal, 1 the server failed, 2 usage or spec error.\n";

/* Sorted by name; handled by the one switch in parse_args(). */
#define SERVE_OPTIONS(X)                                                                           \
    X(BIND, "bind", 0, required_argument, "ADDR",                                                  \
      "address to listen on (default 127.0.0.1; 0.0.0.0 for all)")                                 \
    X(FAULT, "fault", 0, required_argument, "NAME=VALUE",                                          \
      "inject a fault, repeatable: latency=MS, error-rate=P[:CODE], throttle=N/s, quota=N")        \
    X(HELP, "help", 0, no_argument, NULL, "show this help")                                        \
    X(PORT, "port", 0, required_argument, "N",                                                     \
      "port to listen on, 0..65535 (default 8080; 0 picks a free one)")                            \
    X(SEED, "seed", 0, required_argument, "N",                                                     \
      "seed of the error-rate draws, for reproducible runs")                                       \
    X(SPEC, "spec", 0, required_argument, "FILE", "the file to serve (the same as FILE)")          \
    X(VAR, "var", 0, required_argument, "NAME=VALUE",                                              \
      "set a variable, repeatable (also CONFORM_VAR_<NAME> in the environment)")

CF_CLI_COMMAND(serve_command, SERVE_OPTIONS, "serve", usage_head, usage_tail);

typedef struct {
    const char *spec_path;
    const char **overrides;
    size_t override_count;
    cf_mock_opts mock;
} serve_args;

static cf_cli_status parse_args(int argc, char **argv, serve_args *a)
{
    cf_cli_parser p;
    cf_cli_parser_init(&p, &serve_command, argc, argv);
    char err[CF_ERR_MAX];
    unsigned long long n = 0;
    int id;
    while ((id = cf_cli_parser_next(&p)) != CF_CLI_END) {
        const char *value = p.value;
        switch (id) {
        case CF_CLI_ERROR:
            return CF_CLI_EXIT_USAGE;
        case CF_CLI_ARG:
            if (a->spec_path)
                return cf_cli_usage_error(&p, "two files (%s and %s); serve one at a time",
                                          a->spec_path, value);
            a->spec_path = value;
            break;
        case OPT_BIND:
            if (!*value)
                return cf_cli_usage_error(&p, "--bind needs an address");
            a->mock.bind = value;
            break;
        case OPT_FAULT:
            if (cf_mock_fault_parse(value, &a->mock.faults, err, sizeof(err)) != CF_OK)
                return cf_cli_usage_error(&p, "%s", err); /* err names the fault */
            break;
        case OPT_HELP:
            return cf_cli_help(&p);
        case OPT_PORT:
            if (!cf_cli_uint(&p, 0, 65535, &n))
                return CF_CLI_EXIT_USAGE;
            a->mock.port = (unsigned)n;
            break;
        case OPT_SEED:
            if (!cf_cli_uint(&p, 0, ULLONG_MAX, &n))
                return CF_CLI_EXIT_USAGE;
            a->mock.seed = n;
            a->mock.seed_set = 1;
            break;
        case OPT_SPEC:
            if (a->spec_path)
                return cf_cli_usage_error(&p, "two files (%s and %s); serve one at a time",
                                          a->spec_path, value);
            a->spec_path = value;
            break;
        case OPT_VAR: {
            char name[CF_VARS_NAME_MAX];
            const char *v = NULL;
            if (cf_vars_parse("--var", value, name, sizeof(name), &v, err, sizeof(err)) != CF_OK)
                return cf_cli_usage_error(&p, "%s", err);
            a->overrides[a->override_count++] = value;
            break;
        }
        }
    }
    if (!a->spec_path)
        return cf_cli_usage_error(&p, "FILE is required: conform serve FILE (--spec FILE is "
                                      "the same)");
    return CF_CLI_GO_ON;
}

static void print_faults(const cf_mock_faults *f)
{
    if (f->latency_ms > 0)
        fprintf(stderr, "fault: latency %ld ms\n", f->latency_ms);
    if (f->error_rate > 0)
        fprintf(stderr, "fault: error-rate %g%s%s\n", f->error_rate, f->error_code[0] ? " " : "",
                f->error_code);
    if (f->throttle_per_s > 0)
        fprintf(stderr, "fault: throttle %g/s per caller\n", f->throttle_per_s);
    if (f->quota_set)
        fprintf(stderr, "fault: quota %lu per caller\n", f->quota);
}

/* A folder is served through its service.json (a suite), else its first overlay by name.
 * *path is replaced by a new string in *owned; 0 with a message when there is neither. */
static int folder_entry(const char **path, char **owned)
{
    struct stat st;
    if (stat(*path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 1;
    cf_buf b;
    cf_buf_init(&b, CF_PATH_MAX * 4);
    const char *sep = (*path)[0] && (*path)[strlen(*path) - 1] == '/' ? "" : "/";
    if (cf_buf_addf(&b, "%s%sservice.json", *path, sep) == CF_OK && stat(b.ptr, &st) == 0) {
        *owned = b.ptr;
        *path = *owned;
        return 1;
    }
    struct dirent **names = NULL;
    int n = scandir(*path, &names, NULL, alphasort);
    const char *found = NULL;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (!found && len > 13 && strcmp(names[i]->d_name + len - 13, ".overlay.json") == 0) {
            b.len = 0;
            if (cf_buf_addf(&b, "%s%s%s", *path, sep, names[i]->d_name) == CF_OK)
                found = b.ptr;
        }
        free(names[i]);
    }
    free(names);
    if (!found) {
        fprintf(stderr,
                "conform serve: %s: a folder is served through its service.json or its "
                "*.overlay.json, and it has neither; name the file to serve\n",
                *path);
        cf_buf_free(&b);
        return 0;
    }
    *owned = b.ptr;
    *path = *owned;
    return 1;
}

/* The variables of a contract: --var, then CONFORM_VAR_<NAME>, then the default. A --var the
 * contract does not declare is a typo. */
static cf_rc contract_vars(const cf_api *api, const cf_vars_sources *src, cf_secrets *out,
                           char *err, size_t errlen)
{
    char name[CF_VARS_NAME_MAX];
    const char *value = NULL;
    for (size_t i = 0; i < src->override_count; i++)
        if (cf_vars_parse("--var", src->overrides[i], name, sizeof(name), &value, err, errlen) ==
                CF_OK &&
            !cf_api_var_find(api, name)) {
            snprintf(err, errlen, "--var %s: the contract declares no variable %s", name, name);
            return CF_E_USAGE;
        }
    for (size_t i = 0; i < api->var_count; i++) {
        const cf_api_var *v = &api->vars[i];
        const char *val = cf_cli_var_value(src, v->name);
        if (!val)
            val = v->default_value;
        if (val && cf_secrets_set(out, v->name, val, v->secret) != CF_OK)
            return CF_E_NOMEM;
    }
    return CF_OK;
}

int cf_cli_serve(int argc, char **argv)
{
    serve_args a;
    memset(&a, 0, sizeof(a));
    cf_mock_opts_init(&a.mock);
    a.mock.port = 8080;
    a.overrides = calloc((size_t)argc + 1, sizeof(*a.overrides));
    if (!a.overrides) {
        fputs("conform serve: out of memory\n", stderr);
        return CF_EXIT_FAILED;
    }
    cf_suite *suite = NULL;
    char *entry = NULL;
    cf_secrets vars = {0};
    const char **env = NULL;
    size_t env_count = 0;
    cf_mock *mock = NULL;
    cf_diags d;
    cf_diags_init(&d);
    char err[CF_ERR_MAX] = "";
    cf_cli_status st = parse_args(argc, argv, &a);
    int status = st;
    if (st != CF_CLI_GO_ON)
        goto out;
    status = CF_EXIT_USAGE;
    if (!folder_entry(&a.spec_path, &entry))
        goto out;
    cf_rc rc = cf_suite_load_file(a.spec_path, &suite, &d);
    if (rc != CF_OK) {
        cf_cli_print_diags(&d);
        if (d.count == 0)
            fprintf(stderr, "%s: %s\n", a.spec_path, cf_strerror(rc));
        goto out;
    }
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources sources = {a.overrides, a.override_count, env, env_count};
    rc = suite->v1 ? cf_vars_resolve(suite->v1, &sources, &vars, err, sizeof(err))
                   : contract_vars(suite->api, &sources, &vars, err, sizeof(err));
    if (rc != CF_OK) {
        fprintf(stderr, "conform serve: %s\n", err[0] ? err : cf_strerror(rc));
        goto out;
    }
    a.mock.api = suite->api;
    a.mock.secrets = &vars;

    /* Why: blocked before the server's threads exist, so they inherit the mask and only
     * sigwait() below sees the signals. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Why: a server holds a socket per client; the soft descriptor limit (often 1024) would
     * refuse clients long before the mock's own connection limit. */
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &files);
    }

    rc = cf_mock_start(&a.mock, &mock, err, sizeof(err));
    if (rc != CF_OK) {
        fprintf(stderr, "conform serve: %s\n", err[0] ? err : cf_strerror(rc));
        status = (rc == CF_E_USAGE || rc == CF_E_INVALID) ? CF_EXIT_USAGE : CF_EXIT_FAILED;
        goto out;
    }
    print_faults(&a.mock.faults);
    fprintf(stderr, "serving %zu operation%s of %s\n", suite->api->operation_count,
            suite->api->operation_count == 1 ? "" : "s", a.spec_path);
    printf("listening on %s\n", cf_mock_url(mock));
    fflush(stdout);

    int signo = 0;
    while (sigwait(&stop_signals, &signo) != 0)
        ;
    cf_mock_stats stats;
    cf_mock_stats_get(mock, &stats);
    cf_mock_stop(mock);
    mock = NULL;
    printf("stopped on %s after %lu requests (%lu succeeded, %lu created)\n",
           signo == SIGINT ? "SIGINT" : "SIGTERM", stats.requests, stats.successes, stats.created);
    fflush(stdout);
    status = CF_EXIT_OK;
out:
    cf_mock_stop(mock);
    cf_secrets_cleanup(&vars);
    free(env);
    cf_suite_free(suite);
    free(entry);
    cf_diags_cleanup(&d);
    free(a.overrides);
    return status;
}
