/* Cutoff hints beside pseudopotential files, and the default pseudopotential library; see
 * pseudo_hints.h. */
#include "dft/pseudo/pseudo_hints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/datadir.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"

/* Folder part of a path ("." when there is none). */
static void dirname_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(dir, n, ".");
    else if (slash == path) snprintf(dir, n, "/");
    else snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

static int find_column(char **tok, int n_tok, const char *name)
{
    for (int i = 0; i < n_tok; i++)
        if (strcmp(tok[i], name) == 0) return i;
    return -1;
}

int dft_cutoff_hints_find(const char *pseudo_path, const char *element, struct dft_cutoff_hints *h)
{
    memset(h, 0, sizeof *h);
    /* Only <element>.upf matches a row for that element. */
    const char *base = ls_path_basename(pseudo_path);
    size_t el_len = strlen(element);
    if (strncmp(base, element, el_len) != 0 || strcasecmp(base + el_len, ".upf") != 0) return LS_OK;
    char dir[4096], tsv[4200];
    dirname_of(pseudo_path, dir, sizeof dir);
    snprintf(tsv, sizeof tsv, "%s/HINTS.tsv", dir);
    if (access(tsv, R_OK) != 0) return LS_OK;

    ls_text_reader *r = NULL;
    LS_TRY(ls_text_open(tsv, &r));
    int status = LS_OK;
    char *line, *tok[16];
    int c_el = -1, c_low = -1, c_normal = -1, c_high = -1, n_col = 0;
    LS_TRY_GOTO(status, ls_text_expect(r, "a header line with the columns element, hint_low_Ry, "
                                          "hint_normal_Ry, hint_high_Ry", &line), done);
    n_col = ls_text_split(line, tok, 16);
    c_el = find_column(tok, n_col, "element");
    c_low = find_column(tok, n_col, "hint_low_Ry");
    c_normal = find_column(tok, n_col, "hint_normal_Ry");
    c_high = find_column(tok, n_col, "hint_high_Ry");
    if (c_el < 0 || c_low < 0 || c_normal < 0 || c_high < 0) {
        status = ls_text_error(r, "the header must name the columns element, hint_low_Ry, hint_normal_Ry "
                                  "and hint_high_Ry");
        goto done;
    }
    while ((status = ls_text_next(r, &line)) == LS_OK && line != NULL) {
        int n = ls_text_split(line, tok, 16);
        if (n == 0 || tok[0][0] == '#') continue;
        if (n < n_col) {
            status = ls_text_error(r, "expected %d columns as in the header, found %d", n_col, n);
            goto done;
        }
        if (strcmp(tok[c_el], element) != 0) continue;
        double v[3];
        const int col[3] = {c_low, c_normal, c_high};
        for (int k = 0; k < 3; k++)
            LS_TRY_GOTO(status, ls_text_parse_double(r, tok[col[k]], "a cutoff hint in Ry", &v[k]), done);
        h->low = v[0] * LS_RY_HARTREE;
        h->normal = v[1] * LS_RY_HARTREE;
        h->high = v[2] * LS_RY_HARTREE;
        h->found = 1;
        break;
    }
done:
    ls_text_close(r);
    return status;
}

int dft_cutoff_hints_warn(const dft_params *p)
{
    int n_warn = 0;
    for (int s = 0; s < p->n_species; s++) {
        int z = ls_element_z_from_label(p->species[s].label);
        if (z == 0) continue;
        struct dft_cutoff_hints h;
        if (dft_cutoff_hints_find(p->species[s].pseudo, ls_element_symbol(z), &h) != LS_OK) {
            ls_log_warn("%s: cutoff hints not checked: %s", p->source, ls_error_message());
            ls_error_clear();
            continue;
        }
        if (h.found && p->ecut_wfc < h.low * (1 - 1e-12)) {
            ls_log_warn("%s: ecut %.6g Ry is below the pseudopotential's hint of %.6g Ry for %s (%s; 'normal' hint "
                        "%.6g Ry): the results may not be converged", p->source, p->ecut_wfc * LS_HARTREE_RY,
                        h.low * LS_HARTREE_RY, p->species[s].label, p->species[s].pseudo, h.normal * LS_HARTREE_RY);
            n_warn++;
        }
    }
    return n_warn;
}

int dft_default_pseudo(const char *element, char *path, size_t n)
{
    char rel[128], dir[4096];
    snprintf(rel, sizeof rel, "%s/%s.upf", DFT_DEFAULT_PSEUDO_SET, element);
    if (ls_datadir_find(rel, dir, sizeof dir, NULL) == LS_OK) {
        if ((size_t)snprintf(path, n, "%s/%s", dir, rel) >= n)
            LS_ERROR(LS_ERR_INPUT, "the path of the default pseudopotential %s/%s is too long", dir, rel);
        return LS_OK;
    }
    /* Is the library there at all (the element missing from it), or not found? */
    snprintf(rel, sizeof rel, "%s/HINTS.tsv", DFT_DEFAULT_PSEUDO_SET);
    if (ls_datadir_find(rel, dir, sizeof dir, NULL) == LS_OK)
        LS_ERROR(LS_ERR_INPUT, "no default pseudopotential for %s: the library %s/%s/ has none", element, dir,
                 DFT_DEFAULT_PSEUDO_SET);
    ls_error_prefix("no default pseudopotential for %s: ", element);
    return LS_ERR_INPUT;
}

int dft_default_pseudo_fr(const char *element, char *path, size_t n)
{
    LS_TRY(dft_default_pseudo(element, path, n)); /* finds the data folder (and the element's SR file) */
    char *set = strstr(path, DFT_DEFAULT_PSEUDO_SET);
    if (!set) LS_ERROR(LS_ERR_INTERNAL, "unexpected default pseudopotential path '%s'", path);
    memcpy(set + strlen(DFT_DEFAULT_PSEUDO_SET) - 2, "fr", 2); /* pd04-pbe-sr -> pd04-pbe-fr */
    if (access(path, R_OK) != 0)
        LS_ERROR(LS_ERR_INPUT, "no fully relativistic pseudopotential for %s in the library (%s does not exist): give one "
                 "under 'pseudopotentials' (../shared/pseudo/pd04-pbe-fr/ has the whole PseudoDojo set)", element, path);
    return LS_OK;
}
