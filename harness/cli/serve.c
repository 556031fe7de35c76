/* serve.c - `conform serve`: runs the mock server for one spec until SIGINT or SIGTERM. */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "cli/cli.h"
#include "cli/target.h"
#include "mock/mock.h"
#include "contract/spec.h"
#include "contract/vars.h"

enum { OPT_BIND, OPT_FAULT, OPT_HELP, OPT_PORT, OPT_SEED, OPT_SPEC, OPT_VAR };

/* Sorted by name; the help text sits next to each option. */
static const struct {
    const char *name;
    int id;
    const char *arg; /* NULL: a flag without value */
    const char *help;
} options[] = {
    {"--bind", OPT_BIND, "ADDR", "address to listen on (default 127.0.0.1; 0.0.0.0 for all)"},
    {"--fault", OPT_FAULT, "NAME=VALUE",
     "inject a fault, repeatable: latency=MS, error-rate=P[:CODE], throttle=N/s, quota=N"},
    {"--help", OPT_HELP, NULL, "show this help"},
    {"--port", OPT_PORT, "N", "port to listen on, 0..65535 (default 8080; 0 picks a free one)"},
    {"--seed", OPT_SEED, "N", "seed of the error-rate draws, for reproducible runs"},
    {"--spec", OPT_SPEC, "FILE", "the spec to serve (required)"},
    {"--var", OPT_VAR, "NAME=VALUE",
     "set a variable, repeatable (also CONFORM_VAR_<NAME> in the environment)"},
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

static void print_usage(FILE *f)
{
    fputs("usage: conform serve --spec FILE [--port N] [--bind ADDR] [--var NAME=VALUE]...\n"
          "                     [--fault NAME=VALUE]... [--seed N]\n"
          "\n"
          "Serves the spec's operation as a mock HTTP server until SIGINT or SIGTERM.\n"
          "\n"
          "options:\n",
          f);
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        char left[40];
        snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-20s %s\n", left, options[i].help);
    }
    fputs("\nexit status: 0 stopped by a signal, 1 the server failed, 2 usage or spec error.\n", f);
}

static int usage_error(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int usage_error(const char *fmt, ...)
{
    fputs("conform serve: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(conform serve --help lists the options)\n", stderr);
    return CF_EXIT_USAGE;
}

static int parse_unsigned(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno || v > max)
        return 0;
    *out = v;
    return 1;
}

typedef struct {
    const char *spec_path;
    const char **overrides;
    size_t override_count;
    cf_mock_opts mock;
    int help;
} serve_args;

/* Returns -1 when parsing went through, else the exit status to return. */
static int parse_args(int argc, char **argv, serve_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        const char *value = NULL;
        const char *eq = strchr(word, '=');
        size_t name_len = eq && word[0] == '-' ? (size_t)(eq - word) : strlen(word);
        size_t k = 0;
        while (k < OPTION_COUNT && !(strlen(options[k].name) == name_len &&
                                     strncmp(options[k].name, word, name_len) == 0))
            k++;
        if (k == OPTION_COUNT) {
            if (word[0] == '-')
                return usage_error("unknown option %s", word);
            return usage_error("unexpected argument '%s'; give the spec with --spec %s", word,
                               word);
        }
        if (options[k].arg) {
            if (eq && word[0] == '-')
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return usage_error("%s needs a value (%s)", options[k].name, options[k].arg);
        } else if (eq) {
            return usage_error("%s takes no value", options[k].name);
        }
        char err[512];
        unsigned long long n = 0;
        switch (options[k].id) {
        case OPT_BIND:
            if (!*value)
                return usage_error("--bind needs an address");
            a->mock.bind = value;
            break;
        case OPT_FAULT:
            if (cf_mock_fault_parse(value, &a->mock.faults, err, sizeof(err)) != CF_OK)
                return usage_error("%s", err); /* err names the fault */
            break;
        case OPT_HELP:
            a->help = 1;
            break;
        case OPT_PORT:
            if (!parse_unsigned(value, 65535, &n))
                return usage_error("--port %s: expected a port number 0..65535", value);
            a->mock.port = (unsigned)n;
            break;
        case OPT_SEED:
            if (!parse_unsigned(value, (unsigned long long)-1, &n))
                return usage_error("--seed %s: expected a whole number", value);
            a->mock.seed = n;
            a->mock.seed_set = 1;
            break;
        case OPT_SPEC:
            if (a->spec_path)
                return usage_error("--spec given twice (%s and %s); serve one spec at a time",
                                   a->spec_path, value);
            a->spec_path = value;
            break;
        case OPT_VAR: {
            char name[CF_VARS_NAME_MAX];
            const char *v = NULL;
            if (cf_vars_parse("--var", value, name, sizeof(name), &v, err, sizeof(err)) != CF_OK)
                return usage_error("%s", err);
            a->overrides[a->override_count++] = value;
            break;
        }
        }
    }
    return -1;
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
    cf_spec *spec = NULL;
    cf_secrets vars = {0};
    const char **env = NULL;
    size_t env_count = 0;
    cf_mock *mock = NULL;
    cf_diags d;
    cf_diags_init(&d);
    char err[512] = "";
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        goto out;
    if (a.help) {
        print_usage(stdout);
        status = CF_EXIT_OK;
        goto out;
    }
    if (!a.spec_path) {
        status = usage_error("--spec FILE is required");
        goto out;
    }
    cf_rc rc = cf_spec_load_file(a.spec_path, &spec, &d);
    if (rc != CF_OK) {
        cf_cli_print_diags(&d);
        if (d.count == 0)
            fprintf(stderr, "%s: %s\n", a.spec_path, cf_strerror(rc));
        status = CF_EXIT_USAGE;
        goto out;
    }
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources sources = {a.overrides, a.override_count, env, env_count};
    rc = cf_vars_resolve(spec, &sources, &vars, err, sizeof(err));
    if (rc != CF_OK) {
        fprintf(stderr, "conform serve: %s\n", err);
        status = CF_EXIT_USAGE;
        goto out;
    }
    a.mock.spec = spec;
    a.mock.secrets = &vars;

    /* Why: blocked before the server's threads exist, so they inherit the mask and only
     * sigwait() below sees the signals. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = cf_mock_start(&a.mock, &mock, err, sizeof(err));
    if (rc != CF_OK) {
        fprintf(stderr, "conform serve: %s\n", err[0] ? err : cf_strerror(rc));
        status = (rc == CF_E_USAGE || rc == CF_E_INVALID) ? CF_EXIT_USAGE : CF_EXIT_FAILED;
        goto out;
    }
    print_faults(&a.mock.faults);
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
    cf_spec_free(spec);
    cf_diags_cleanup(&d);
    free(a.overrides);
    return status;
}
