/* options.c - one option mechanism for every subcommand: getopt_long over a command's table,
 * uniform usage errors, the help text, and the one integer parser. */
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "cli/options.h"

/* Width of the "--name VALUE" column of the help; the texts start 3 columns further on. */
#define HELP_LEFT_WIDTH 20

void cf_cli_parser_init(cf_cli_parser *p, const cf_cli_command *cmd, int argc, char **argv)
{
    memset(p, 0, sizeof(*p));
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    p->args = argv + 1;
    p->out = stdout;
    p->err = stderr;
    /* "-": positional arguments come back in order as 1, so a command sees its arguments
     * as they were written; ":": a missing value comes back as ':', not '?'. */
    size_t n = 0;
    p->shorts[n++] = '-';
    p->shorts[n++] = ':';
    for (size_t i = 0; i < cmd->count && i < CF_CLI_MAX_OPTIONS; i++) {
        if (!cmd->options[i].short_name)
            continue;
        p->shorts[n++] = (char)cmd->options[i].short_name;
        if (cmd->options[i].has_arg == required_argument)
            p->shorts[n++] = ':';
    }
    p->shorts[n] = '\0';
    /* Why 0, not 1: glibc then also forgets the half-read cluster and the ordering mode of
     * the previous parse (main's, before a subcommand's). */
    optind = 0;
    opterr = 0;
}

/* The row of an option id or of a short option character; NULL when there is none. */
static const cf_cli_option *row_of(const cf_cli_parser *p, int c)
{
    if (c >= CF_CLI_OPTION_BASE && (size_t)(c - CF_CLI_OPTION_BASE) < p->cmd->count)
        return &p->cmd->options[c - CF_CLI_OPTION_BASE];
    for (size_t i = 0; c > 0 && i < p->cmd->count; i++)
        if (p->cmd->options[i].short_name == c)
            return &p->cmd->options[i];
    return NULL;
}

cf_cli_status cf_cli_usage_error(const cf_cli_parser *p, const char *fmt, ...)
{
    const char *name = p->cmd->name;
    const char *space = name[0] ? " " : "";
    fprintf(p->err, "conform%s%s: ", space, name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->err, fmt, ap);
    va_end(ap);
    fprintf(p->err, "\n(conform%s%s --help lists the options)\n", space, name);
    return CF_CLI_EXIT_USAGE;
}

/* getopt_long said '?' for the word before optind: unknown, ambiguous, or a value where none
 * is taken. */
static void bad_option(const cf_cli_parser *p)
{
    const cf_cli_option *o = optopt ? row_of(p, optopt) : NULL;
    if (o && optopt >= CF_CLI_OPTION_BASE) {
        cf_cli_usage_error(p, "--%s takes no value", o->name);
        return;
    }
    if (optopt) {
        cf_cli_usage_error(p, "unknown option -%c", optopt);
        return;
    }
    const char *word = p->argv[optind - 1];
    if (strncmp(word, "--", 2) == 0) {
        size_t len = strcspn(word + 2, "=");
        char alike[256] = "";
        size_t matches = 0;
        for (size_t i = 0; i < p->cmd->count; i++) {
            if (strncmp(p->cmd->options[i].name, word + 2, len) != 0)
                continue;
            size_t used = strlen(alike);
            snprintf(alike + used, sizeof(alike) - used, "%s--%s", matches ? ", " : "",
                     p->cmd->options[i].name);
            matches++;
        }
        if (matches > 1) {
            cf_cli_usage_error(p, "ambiguous option %s (%s)", word, alike);
            return;
        }
    }
    cf_cli_usage_error(p, "unknown option %s", word);
}

/* Hands out argv[i] as a positional argument and gathers it at argv[1 + arg_count]: safe, as
 * that slot is at or before i, and getopt (in "-" mode it never permutes) reads only after i. */
static int positional(cf_cli_parser *p, int i)
{
    p->index = i;
    p->value = p->argv[i];
    p->args[p->arg_count++] = p->argv[i];
    return CF_CLI_ARG;
}

int cf_cli_parser_next(cf_cli_parser *p)
{
    p->value = NULL;
    if (p->rest) { /* after "--" */
        if (p->rest >= p->argc)
            return CF_CLI_END;
        return positional(p, p->rest++);
    }
    int c = getopt_long(p->argc, p->argv, p->shorts, p->cmd->getopt, NULL);
    if (c == -1) {
        if (optind >= p->argc)
            return CF_CLI_END;
        p->rest = optind; /* getopt stopped at "--" */
        return cf_cli_parser_next(p);
    }
    if (c == 1)
        return positional(p, optind - 1);
    if (c == ':') {
        const cf_cli_option *o = row_of(p, optopt);
        if (o)
            cf_cli_usage_error(p, "--%s needs a value (%s)", o->name, o->arg ? o->arg : "");
        else
            cf_cli_usage_error(p, "%s needs a value", p->argv[optind - 1]);
        return CF_CLI_ERROR;
    }
    const cf_cli_option *o = c == '?' ? NULL : row_of(p, c);
    if (!o) {
        bad_option(p);
        return CF_CLI_ERROR;
    }
    p->current = CF_CLI_OPTION_BASE + (int)(o - p->cmd->options);
    p->value = optarg;
    return p->current;
}

void cf_cli_help_print(const cf_cli_command *cmd, FILE *f)
{
    fputs(cmd->head, f);
    fputs("\noptions:\n", f);
    for (size_t i = 0; i < cmd->count; i++) {
        const cf_cli_option *o = &cmd->options[i];
        char left[64];
        char shrt[8] = "";
        if (o->short_name)
            snprintf(shrt, sizeof(shrt), "-%c, ", o->short_name);
        snprintf(left, sizeof(left), "%s--%s%s%s", shrt, o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        fprintf(f, "  %-*s%s", HELP_LEFT_WIDTH, left, strlen(left) < HELP_LEFT_WIDTH ? " " : "  ");
        for (const char *h = o->help; *h; h++) {
            fputc(*h, f);
            if (*h == '\n')
                fprintf(f, "%*s", HELP_LEFT_WIDTH + 3, "");
        }
        fputc('\n', f);
    }
    if (cmd->tail) {
        fputc('\n', f);
        fputs(cmd->tail, f);
    }
}

cf_cli_status cf_cli_help(const cf_cli_parser *p)
{
    cf_cli_help_print(p->cmd, p->out);
    return CF_CLI_EXIT_OK;
}

int cf_cli_parse_uint(const char *text, size_t len, unsigned long long min, unsigned long long max,
                      unsigned long long *out)
{
    if (!text || len == 0)
        return 0;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return 0;
        unsigned digit = (unsigned)(text[i] - '0');
        if (v > (ULLONG_MAX - digit) / 10)
            return 0; /* overflow */
        v = v * 10 + digit;
    }
    if (v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

const char *cf_cli_parser_option_name(const cf_cli_parser *p)
{
    const cf_cli_option *o = row_of(p, p->current);
    return o ? o->name : NULL;
}

int cf_cli_uint(const cf_cli_parser *p, unsigned long long min, unsigned long long max,
                unsigned long long *out)
{
    const char *v = p->value ? p->value : "";
    if (cf_cli_parse_uint(v, strlen(v), min, max, out))
        return 1;
    const cf_cli_option *o = row_of(p, p->current);
    cf_cli_usage_error(p, "--%s expects an integer %llu..%llu, got \"%s\"", o ? o->name : "?", min,
                       max, v);
    return 0;
}
