/* run.c - `conform run`: runs spec cases against a target and writes the reports. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/target.h"
#include "base/limits.h"
#include "report/report.h"
#include "run/runner.h"
#include "base/timefmt.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static const char usage_head[] =
    "usage: conform run [options] [SPEC|DIR]...\n"
    "\n"
    "Runs the cases of each spec (default: specs/) against a target and writes report.json\n"
    "and junit.xml. Variables also come from CONFORM_VAR_<NAME>.\n";

static const char usage_tail[] =
    "exit status: 0 every check held, 1 a check failed, 2 usage or spec error,\n"
    "3 target unreachable, 130 interrupted.\n";

/* Sorted by name; handled by the one switch in parse_args(). */
#define RUN_OPTIONS(X)                                                                             \
    X(CACERT, "cacert", 0, required_argument, "FILE",                                              \
      "CA bundle to verify the target's TLS certificate with")                                     \
    X(FILTER, "filter", 0, required_argument, "GLOB",                                              \
      "run only cases whose id matches GLOB (fnmatch)")                                            \
    X(HELP, "help", 0, no_argument, NULL, "this text")                                             \
    X(INSECURE, "insecure", 0, no_argument, NULL,                                                  \
      "do not verify TLS certificates (never in CI gates)")                                        \
    X(JOBS, "jobs", 0, required_argument, "N", "requests in flight at once, 1..256 (default 8)")   \
    X(MAX_BODY, "max-body", 0, required_argument, "BYTES",                                         \
      "largest response body accepted (default 1048576)")                                          \
    X(PROXY, "proxy", 0, required_argument, "URL", "send everything through this HTTP(S) proxy")   \
    X(QUIET, "quiet", 0, no_argument, NULL, "print only failures and the summary")                 \
    X(REPEAT, "repeat", 0, required_argument, "N",                                                 \
      "run the selection N times, 1..1000, each with fresh tokens")                                \
    X(REPORT_DIR, "report-dir", 0, required_argument, "DIR",                                       \
      "where report.json and junit.xml go (default reports)")                                      \
    X(RETRIES, "retries", 0, required_argument, "N",                                               \
      "retries after a transport failure of a retry-safe request (0..5)")                          \
    X(SHARD, "shard", 0, required_argument, "K/N",                                                 \
      "run only shard K of N (1 <= K <= N), for CI matrices")                                      \
    X(TAG, "tag", 0, required_argument, "TAG",                                                     \
      "run only cases with this tag (repeatable: any of them)")                                    \
    X(TARGET, "target", 0, required_argument, "URL|mock|spec",                                     \
      "where to send requests: a base URL, the embedded mock\n"                                    \
      "(default), or the spec's own server URL")                                                   \
    X(TIMEOUT, "timeout", 0, required_argument, "MS",                                              \
      "per-request timeout, 1..600000 (default 10000)")                                            \
    X(VAR, "var", 0, required_argument, "NAME=VALUE", "set a spec variable (repeatable)")          \
    X(VERBOSE, "verbose", 0, no_argument, NULL, "also list passing cases")                         \
    X(VERSION, "version", 0, no_argument, NULL, "print the version")

CF_CLI_COMMAND(run_command, RUN_OPTIONS, "run", usage_head, usage_tail);

typedef struct {
    cf_run_opts run;
    const char *target; /* --target: mock (NULL too), spec or a base URL */
    const char *report_dir;
    int quiet;
    int verbose;
    const char **vars;
    size_t var_count;
    const char **tags;
    size_t tag_count;
    const char *const *paths; /* the SPEC|DIR arguments (in argv) */
    size_t path_count;
} run_args;

static int parse_shard(const cf_cli_parser *p, unsigned *k, unsigned *n)
{
    const char *text = p->value;
    const char *slash = strchr(text, '/');
    unsigned long long a = 0, b = 0;
    if (!slash || !cf_cli_parse_uint(text, (size_t)(slash - text), 1, 10000, &a) ||
        !cf_cli_parse_uint(slash + 1, strlen(slash + 1), 1, 10000, &b) || a > b) {
        cf_cli_usage_error(
            p, "--shard expects K/N with 1 <= K <= N <= 10000 (e.g. 2/4), got \"%s\"", text);
        return 0;
    }
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 1;
}

static int push(const char ***list, size_t *n, const char *item)
{
    const char **l = realloc(*list, (*n + 1) * sizeof(*l));
    if (!l)
        return 0;
    l[(*n)++] = item;
    *list = l;
    return 1;
}

static cf_cli_status parse_args(int argc, char **argv, run_args *a)
{
    cf_cli_parser p;
    cf_cli_parser_init(&p, &run_command, argc, argv);
    unsigned long long v;
    int id;
    while ((id = cf_cli_parser_next(&p)) != CF_CLI_END) {
        const char *val = p.value;
        switch (id) {
        case CF_CLI_ERROR:
            return CF_CLI_EXIT_USAGE;
        case CF_CLI_ARG:
            break;
        case OPT_CACERT:
            if (access(val, R_OK) != 0)
                return cf_cli_usage_error(&p, "--cacert %s: %s", val, strerror(errno));
            a->run.transport.cacert = val;
            break;
        case OPT_FILTER:
            a->run.filter = val;
            break;
        case OPT_HELP:
            return cf_cli_help(&p);
        case OPT_INSECURE:
            a->run.transport.insecure = 1;
            break;
        case OPT_JOBS:
            if (!cf_cli_uint(&p, 1, 256, &v))
                return CF_CLI_EXIT_USAGE;
            a->run.transport.jobs = (unsigned)v;
            break;
        case OPT_MAX_BODY:
            if (!cf_cli_uint(&p, 1024, 1024ull * 1024 * 1024, &v))
                return CF_CLI_EXIT_USAGE;
            a->run.transport.max_body = (size_t)v;
            break;
        case OPT_PROXY:
            a->run.transport.proxy = val;
            break;
        case OPT_QUIET:
            a->quiet = 1;
            break;
        case OPT_REPEAT:
            if (!cf_cli_uint(&p, 1, 1000, &v))
                return CF_CLI_EXIT_USAGE;
            a->run.repeat = (unsigned)v;
            break;
        case OPT_REPORT_DIR:
            a->report_dir = val;
            break;
        case OPT_RETRIES:
            if (!cf_cli_uint(&p, 0, 5, &v))
                return CF_CLI_EXIT_USAGE;
            a->run.transport.retries = (unsigned)v;
            break;
        case OPT_SHARD:
            if (!parse_shard(&p, &a->run.shard_k, &a->run.shard_n))
                return CF_CLI_EXIT_USAGE;
            break;
        case OPT_TAG:
            if (!push(&a->tags, &a->tag_count, val))
                return CF_CLI_EXIT_USAGE;
            break;
        case OPT_TARGET:
            if (strcmp(val, "mock") != 0 && strcmp(val, "spec") != 0 &&
                strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0)
                return cf_cli_usage_error(
                    &p, "--target expects mock, spec or an http(s):// URL, got \"%s\"", val);
            a->target = val;
            break;
        case OPT_TIMEOUT:
            if (!cf_cli_uint(&p, 1, 600000, &v))
                return CF_CLI_EXIT_USAGE;
            a->run.transport.timeout_ms = (long)v;
            break;
        case OPT_VAR: {
            char name[CF_VARS_NAME_MAX], err[256];
            const char *value = NULL;
            if (cf_vars_parse("--var", val, name, sizeof(name), &value, err, sizeof(err)) != CF_OK)
                return cf_cli_usage_error(&p, "%s", err);
            if (!push(&a->vars, &a->var_count, val))
                return CF_CLI_EXIT_USAGE;
            break;
        }
        case OPT_VERBOSE:
            a->verbose = 1;
            break;
        case OPT_VERSION:
            printf("conform %s\n", CONFORM_VERSION);
            return CF_CLI_EXIT_OK;
        }
    }
    a->paths = (const char *const *)p.args;
    a->path_count = p.arg_count;
    return CF_CLI_GO_ON;
}

typedef struct {
    int tty;
    size_t total;
    size_t done;
} progress;

static void on_progress(void *user, const cf_case_result *c, size_t done, size_t total)
{
    progress *p = user;
    (void)done;
    (void)total;
    p->done++;
    if (p->tty)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s %.60s", p->done, p->total,
                c->passed ? "ok  " : "FAIL", c->id);
}

static int is_ci(void)
{
    const char *ci = getenv("CI");
    return ci && *ci && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0;
}

static int load_all(const cf_cli_paths *paths, cf_spec **specs)
{
    int bad = 0;
    for (size_t i = 0; i < paths->count; i++) {
        cf_diags d;
        cf_diags_init(&d);
        if (cf_spec_load_file(paths->items[i], &specs[i], &d) != CF_OK) {
            cf_cli_print_diags(&d);
            fprintf(stderr, "%s: invalid spec; fix it (conform lint %s) and rerun\n",
                    paths->items[i], paths->items[i]);
            bad = 1;
        }
        cf_diags_cleanup(&d);
    }
    return bad;
}

static int execute(run_args *a, cf_spec **specs, size_t n)
{
    cf_run_result result = {0};
    result.started_ms = cf_time_now_ms();
    double t0 = cf_time_mono_ms();
    progress prog = {isatty(STDERR_FILENO) && !is_ci() && !a->quiet, 0, 0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < specs[i]->case_count; k++)
            prog.total += (size_t)cf_run_selects(&a->run, &specs[i]->cases[k], k) *
                          (a->run.repeat > 1 ? a->run.repeat : 1);
    a->run.progress = on_progress;
    a->run.progress_user = &prog;
    a->run.stop = &stop_flag;
    int exit_code = CF_EXIT_OK;
    char err[1024] = "";
    const char **env = NULL;
    size_t env_count = 0;
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources vars = {a->vars, a->var_count, env, env_count};
    for (size_t i = 0; i < n && exit_code == CF_EXIT_OK; i++) {
        cf_rc rc =
            cf_cli_target_run(specs[i], a->target, &vars, &a->run, &result, err, sizeof(err));
        if (rc == CF_E_INTERRUPTED)
            exit_code = CF_EXIT_INTERRUPTED;
        else if (rc == CF_E_TRANSPORT)
            exit_code = CF_EXIT_UNREACHABLE;
        else if (rc != CF_OK)
            exit_code = CF_EXIT_USAGE;
        if (rc != CF_OK && rc != CF_E_INTERRUPTED)
            fprintf(stderr, "%sconform run: %s: %s\n", prog.tty ? "\r\033[K" : "", specs[i]->file,
                    err);
    }
    if (exit_code != CF_EXIT_OK && exit_code != CF_EXIT_UNREACHABLE)
        result.incomplete = 1;
    result.duration_ms = cf_time_mono_ms() - t0;
    if (prog.tty)
        fputs("\r\033[K", stderr);
    if (prog.total == 0 && exit_code == CF_EXIT_OK) {
        /* Zero checks must not read as "every check held" in a CI gate. */
        fprintf(stderr, "conform run: no case matches the --tag/--filter/--shard selection; "
                        "check the spelling (conform lint lists the cases' specs)\n");
        exit_code = CF_EXIT_USAGE;
    }
    const char *no_color = getenv("NO_COLOR");
    int color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
    cf_report_console(&result, stdout, color, a->verbose && !a->quiet);
    char werr[1024] = "";
    if (cf_report_write_all(&result, a->report_dir, werr, sizeof(werr)) != CF_OK) {
        fprintf(stderr, "conform run: cannot write reports: %s\n", werr);
        if (exit_code == CF_EXIT_OK)
            exit_code = CF_EXIT_USAGE;
    } else if (!a->quiet) {
        printf("reports: %s/report.json, %s/junit.xml%s\n", a->report_dir, a->report_dir,
               result.incomplete ? " (marked incomplete)" : "");
    }
    if (exit_code == CF_EXIT_OK && result.failed)
        exit_code = CF_EXIT_FAILED;
    free(env);
    if (exit_code == CF_EXIT_INTERRUPTED)
        fprintf(stderr, "conform run: interrupted; partial reports written\n");
    cf_run_result_cleanup(&result);
    return exit_code;
}

int cf_cli_run(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof(a));
    cf_run_opts_init(&a.run);
    a.report_dir = "reports";
    cf_cli_status st = parse_args(argc, argv, &a);
    int rc = st;
    cf_cli_paths paths = {0};
    cf_spec **specs = NULL;
    if (st != CF_CLI_GO_ON)
        goto out;
    a.run.tags = a.tags;
    a.run.tag_count = a.tag_count;
    const char *default_dir[] = {"specs"};
    rc = a.path_count ? cf_cli_collect_specs(a.paths, a.path_count, &paths)
                      : cf_cli_collect_specs(default_dir, 1, &paths);
    if (rc != CF_EXIT_OK)
        goto out;
    cf_cli_paths_drop_aws(&paths);
    specs = calloc(paths.count ? paths.count : 1, sizeof(*specs));
    if (!specs) {
        rc = CF_EXIT_USAGE;
        goto out;
    }
    if (load_all(&paths, specs)) {
        rc = CF_EXIT_USAGE;
        goto out;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    rc = execute(&a, specs, paths.count);
out:
    for (size_t i = 0; specs && i < paths.count; i++)
        cf_spec_free(specs[i]);
    free(specs);
    cf_cli_paths_free(&paths);
    free(a.vars);
    free(a.tags);
    return rc;
}
