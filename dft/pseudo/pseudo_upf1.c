/* UPF v1 reader: sections <PP_NAME> ... </PP_NAME> of free-format lines, as read by Quantum
 * ESPRESSO's upflib/read_upf_v1.f90 (QE 6.7; P. Giannozzi et al., J. Phys.: Condens. Matter 21,
 * 395502 (2009), doi:10.1088/0953-8984/21/39/395502).  Units and conventions as in
 * pseudo_upf.c (shared helpers in pseudo_impl.h).  Header lines: version, element, type (NC),
 * core correction (T/F), functional (first 20 columns, Fortran format a20), z_valence, total
 * energy, cutoffs, l_max, mesh size, "n_wfc n_proj", then the wavefunction table.  A <PP_BETA>
 * block holds "index l", the number of points ikk and ikk values (rcut lines may follow);
 * <PP_DIJ> holds the number of nonzero entries and "i j D_ij" lines (Ry, symmetric). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/textio.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_impl.h"

/* Read numbers over lines until n are collected; a line starting with '<' first is an error. */
static int v1_values(ls_text_reader *r, const char *section, int n, double *out)
{
    int count = 0;
    char *line, *tok[64];
    while (count < n) {
        LS_TRY(ls_text_expect(r, section, &line));
        int nt = ls_text_split(line, tok, 64);
        if (nt > 0 && tok[0][0] == '<')
            return ls_text_error(r, "%s has %d values, expected %d", section, count, n);
        for (int i = 0; i < nt; i++) {
            if (count >= n) return ls_text_error(r, "%s has more than %d values", section, n);
            LS_TRY(ls_text_parse_double(r, tok[i], section, &out[count]));
            count++;
        }
    }
    return LS_OK;
}

/* Skip lines up to and including one that starts with `close`. */
static int v1_skip_to(ls_text_reader *r, const char *close)
{
    char *line, *tok[2];
    for (;;) {
        LS_TRY(ls_text_expect(r, close, &line));
        if (ls_text_split(line, tok, 2) > 0 && strncmp(tok[0], close, strlen(close)) == 0) return LS_OK;
    }
}

/* Next line, which must have at least `min_tok` tokens (the rest is a description). */
static int v1_line(ls_text_reader *r, const char *what, int min_tok, char **tok, int *nt)
{
    char *line;
    LS_TRY(ls_text_expect(r, what, &line));
    *nt = ls_text_split(line, tok, 16);
    if (*nt < min_tok) return ls_text_error(r, "expected %s", what);
    return LS_OK;
}

static int v1_int(ls_text_reader *r, const char *tok, const char *what, int *v)
{
    return ls_text_parse_int(r, tok, what, v);
}

static int v1_header(ls_text_reader *r, dft_pseudo *p)
{
    char *tok[16], *line;
    int nt, nwfc, flag;
    LS_TRY(v1_line(r, "the version number", 1, tok, &nt));
    LS_TRY(v1_line(r, "the element", 1, tok, &nt));
    snprintf(p->element, sizeof p->element, "%.3s", tok[0]);
    LS_TRY(v1_line(r, "the pseudopotential type (NC)", 1, tok, &nt));
    if (strcasecmp(tok[0], "NC") != 0 && strcasecmp(tok[0], "SL") != 0)
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__,
                            "%s:%ld: pseudopotential type '%s': only norm-conserving (NC) potentials are supported",
                            r->path, r->line_no, tok[0]);
    LS_TRY(v1_line(r, "the core-correction flag (T or F)", 1, tok, &nt));
    if (dft_upf_parse_bool(tok[0], &flag) != 0) return ls_text_error(r, "expected the core-correction flag T or F, found '%s'", tok[0]);
    p->has_nlcc = flag;
    /* QE reads the functional as the first 20 characters of the line (format a20). */
    LS_TRY(ls_text_expect(r, "the functional", &line));
    snprintf(p->functional, sizeof p->functional, "%.20s", line);
    char *f = p->functional;
    while (isspace((unsigned char)*f)) memmove(f, f + 1, strlen(f));
    for (size_t k = strlen(f); k > 0 && isspace((unsigned char)f[k - 1]); k--) f[k - 1] = '\0';
    if (*f == '\0') return ls_text_error(r, "expected the functional in the first 20 columns");
    LS_TRY(v1_line(r, "z_valence", 1, tok, &nt));
    LS_TRY(ls_text_parse_double(r, tok[0], "z_valence", &p->z_valence));
    LS_TRY(v1_line(r, "the total energy", 1, tok, &nt));
    LS_TRY(v1_line(r, "the suggested cutoffs", 1, tok, &nt));
    LS_TRY(v1_line(r, "l_max", 1, tok, &nt));
    LS_TRY(v1_int(r, tok[0], "l_max", &p->l_max));
    LS_TRY(v1_line(r, "the number of mesh points", 1, tok, &nt));
    LS_TRY(v1_int(r, tok[0], "the number of mesh points", &p->n_mesh));
    LS_TRY(v1_line(r, "the numbers of wavefunctions and projectors", 2, tok, &nt));
    LS_TRY(v1_int(r, tok[0], "the number of wavefunctions", &nwfc));
    LS_TRY(v1_int(r, tok[1], "the number of projectors", &p->n_beta));
    char where[64];
    snprintf(where, sizeof where, "<PP_HEADER> ending near line %ld", r->line_no);
    LS_TRY(dft_upf_check_header(p, where));
    return v1_skip_to(r, "</PP_HEADER>");
}

static int v1_nonlocal(ls_text_reader *r, dft_pseudo *p, int *kbeta)
{
    char *tok[16];
    int nt, ib = 0, have_dij = 0;
    for (;;) {
        LS_TRY(v1_line(r, "<PP_BETA>, <PP_DIJ> or </PP_NONLOCAL>", 0, tok, &nt));
        if (nt == 0) continue;
        if (strncmp(tok[0], "</PP_NONLOCAL>", 14) == 0) break;
        if (strncmp(tok[0], "<PP_BETA>", 9) == 0) {
            if (ib >= p->n_beta) return ls_text_error(r, "more <PP_BETA> blocks than the %d projectors of the header", p->n_beta);
            LS_TRY(v1_line(r, "'index l' of the projector", 2, tok, &nt));
            LS_TRY(v1_int(r, tok[1], "the angular momentum", &p->beta_l[ib]));
            LS_TRY(dft_upf_check_beta_l(p, ib, p->beta_l[ib], r->line_no));
            LS_TRY(v1_line(r, "the number of points of the projector", 1, tok, &nt));
            LS_TRY(v1_int(r, tok[0], "the number of points of the projector", &kbeta[ib]));
            if (kbeta[ib] < 1 || kbeta[ib] > p->n_mesh)
                return ls_text_error(r, "projector with %d points, expected 1..%d (the mesh size)", kbeta[ib], p->n_mesh);
            LS_TRY(dft_upf_alloc_array(&p->beta[ib], p->n_mesh));
            LS_TRY(v1_values(r, "<PP_BETA>", kbeta[ib], p->beta[ib]));
            LS_TRY(v1_skip_to(r, "</PP_BETA>"));
            ib++;
        } else if (strncmp(tok[0], "<PP_DIJ>", 8) == 0) {
            int nd, i, j;
            double v;
            LS_TRY(v1_line(r, "the number of nonzero D_ij", 1, tok, &nt));
            LS_TRY(v1_int(r, tok[0], "the number of nonzero D_ij", &nd));
            for (int k = 0; k < nd; k++) {
                LS_TRY(v1_line(r, "'i j D_ij'", 3, tok, &nt));
                LS_TRY(v1_int(r, tok[0], "index i of D_ij", &i));
                LS_TRY(v1_int(r, tok[1], "index j of D_ij", &j));
                LS_TRY(ls_text_parse_double(r, tok[2], "D_ij", &v));
                if (i < 1 || j < 1 || i > p->n_beta || j > p->n_beta)
                    return ls_text_error(r, "D_ij index (%d, %d) out of range 1..%d", i, j, p->n_beta);
                p->dij[(i - 1) * p->n_beta + (j - 1)] = v;
                p->dij[(j - 1) * p->n_beta + (i - 1)] = v;
            }
            LS_TRY(v1_skip_to(r, "</PP_DIJ>"));
            have_dij = 1;
        } else {
            return ls_text_error(r, "expected <PP_BETA>, <PP_DIJ> or </PP_NONLOCAL>, found '%s'", tok[0]);
        }
    }
    if (ib != p->n_beta)
        return ls_text_error(r, "<PP_NONLOCAL> has %d <PP_BETA> blocks, the header declares %d", ib, p->n_beta);
    if (!have_dij && p->n_beta > 0) return ls_text_error(r, "<PP_NONLOCAL> has no <PP_DIJ>");
    return LS_OK;
}

int dft_pseudo_read_upf_v1(const char *path, const char *text, dft_pseudo *p)
{
    (void)text;
    ls_text_reader *r = NULL;
    int status = LS_OK, have_header = 0, have_mesh = 0, have_local = 0, have_nl = 0;
    int kbeta[DFT_PSEUDO_MAX_BETA] = {0};
    long seen_line[6] = {0};
    char *line, *tok[4];
    LS_TRY(ls_text_open(path, &r));
    for (;;) {
        LS_TRY_GOTO(status, ls_text_next(r, &line), done);
        if (line == NULL) break;
        if (ls_text_split(line, tok, 2) == 0 || tok[0][0] != '<' || tok[0][1] == '/') continue;
        char sec[64];
        snprintf(sec, sizeof sec, "%s", tok[0]);
        /* A data section twice would leave one of the two unread (and its arrays leaked). */
        static const char *const once[] = {"<PP_HEADER>", "<PP_MESH>", "<PP_NLCC>", "<PP_LOCAL>", "<PP_NONLOCAL>",
                                           "<PP_RHOATOM>"};
        for (int i = 0; i < 6; i++)
            if (strcmp(sec, once[i]) == 0) {
                if (seen_line[i] > 0) {
                    status = ls_text_error(r, "section %s appears twice (also on line %ld): give each section once", sec,
                                           seen_line[i]);
                    goto done;
                }
                seen_line[i] = r->line_no;
            }
        if (strcmp(sec, "<PP_HEADER>") == 0) {
            LS_TRY_GOTO(status, v1_header(r, p), done);
            LS_TRY_GOTO(status, dft_upf_alloc_mesh(p, p->n_mesh), done);
            have_header = 1;
            continue;
        }
        int data = !strcmp(sec, "<PP_MESH>") || !strcmp(sec, "<PP_NLCC>") || !strcmp(sec, "<PP_LOCAL>") ||
                   !strcmp(sec, "<PP_NONLOCAL>") || !strcmp(sec, "<PP_RHOATOM>");
        if (data && !have_header) {
            status = ls_text_error(r, "%s before <PP_HEADER>", sec);
            goto done;
        }
        if (!strcmp(sec, "<PP_MESH>")) {
            LS_TRY_GOTO(status, v1_skip_to(r, "<PP_R>"), done);
            LS_TRY_GOTO(status, v1_values(r, "<PP_R>", p->n_mesh, p->r), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "</PP_R>"), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "<PP_RAB>"), done);
            LS_TRY_GOTO(status, v1_values(r, "<PP_RAB>", p->n_mesh, p->rab), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "</PP_MESH>"), done);
            have_mesh = 1;
        } else if (!strcmp(sec, "<PP_NLCC>")) {
            LS_TRY_GOTO(status, dft_upf_alloc_array(&p->rho_core, p->n_mesh), done);
            LS_TRY_GOTO(status, v1_values(r, "<PP_NLCC>", p->n_mesh, p->rho_core), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "</PP_NLCC>"), done);
        } else if (!strcmp(sec, "<PP_LOCAL>")) {
            LS_TRY_GOTO(status, v1_values(r, "<PP_LOCAL>", p->n_mesh, p->vloc), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "</PP_LOCAL>"), done);
            have_local = 1;
        } else if (!strcmp(sec, "<PP_NONLOCAL>")) {
            LS_TRY_GOTO(status, v1_nonlocal(r, p, kbeta), done);
            have_nl = 1;
        } else if (!strcmp(sec, "<PP_RHOATOM>")) {
            LS_TRY_GOTO(status, dft_upf_alloc_array(&p->rho_atom, p->n_mesh), done);
            LS_TRY_GOTO(status, v1_values(r, "<PP_RHOATOM>", p->n_mesh, p->rho_atom), done);
            LS_TRY_GOTO(status, v1_skip_to(r, "</PP_RHOATOM>"), done);
        } else if (sec[strlen(sec) - 1] == '>') { /* other sections (PP_INFO, PP_PSWFC, ...) */
            char close[80];
            snprintf(close, sizeof close, "</%s", sec + 1);
            LS_TRY_GOTO(status, v1_skip_to(r, close), done);
        }
    }
    const char *missing = !have_header ? "<PP_HEADER>" : !have_mesh ? "<PP_MESH>" : !have_local ? "<PP_LOCAL>"
                        : (p->n_beta > 0 && !have_nl) ? "<PP_NONLOCAL>" : (p->has_nlcc && !p->rho_core) ? "<PP_NLCC>" : NULL;
    if (missing) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: section %s is missing (UPF v1)", path, missing);
    status = dft_upf_finish(p, kbeta);
done:
    ls_text_close(r);
    return status;
}
