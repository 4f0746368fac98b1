/* dft_params_from_structure (dft/input/protocol.c): the YAML input's rules applied to a bare
 * structure.
 *  - Defaults equal those of a YAML input naming the same structure file (written here): the
 *    shipped pseudopotentials (inputs/pseudo/pd04-pbe-sr/), the 'normal' cutoff hint (Si: 36 Ry,
 *    Fe: 90 Ry, from HINTS.tsv, PseudoDojo's table), DFTK's k-point spacing, fixed occupations, no
 *    spin; the low/high hints and the protocol's cutoff, mesh, smearing and functional are taken.
 *  - Moments: per element, one species "Fe" with starting_magnetization m / 16 (Z_val of Fe.upf is
 *    16); per atom with opposite moments on the two atoms of bcc Fe (antiferromagnetic), two
 *    species "Fe1" and "Fe2" with the same pseudopotential; dft_params_starting_moments reads back
 *    the moments given, to rounding; a user label that already ends in a digit gets "_1", "_2".
 *  - Every documented error is LS_ERR_INPUT naming the atom or the setting.
 * No SCF here (the one-program test of the library layer runs one). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/dft.h"

static ls_structure *bcc_fe(void)
{
    ls_structure *s = NULL;
    if (ls_structure_create(2, &s) != LS_OK) return NULL;
    const double a = 2.8315 * LS_ANGSTROM_BOHR;
    for (int k = 0; k < 3; k++) s->cell[k][k] = a;
    for (int i = 0; i < 2; i++) {
        ls_structure_set_species(s, i, "Fe");
        for (int k = 0; k < 3; k++) s->pos[i][k] = 0.5 * a * i;
    }
    return s;
}

static void test_defaults_equal_yaml(void)
{
    char dir[1024], yaml[1200], vasp[1200];
    ls_test_fresh_dir(dir, sizeof dir, "protocol");
    snprintf(vasp, sizeof vasp, "%s/si.vasp", dir);
    snprintf(yaml, sizeof yaml, "%s/si.yaml", dir);
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(2, &s));
    if (!s) return;
    const double a = 5.431 * LS_ANGSTROM_BOHR;
    const double cell[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    memcpy(s->cell, cell, sizeof cell);
    for (int i = 0; i < 2; i++) {
        ls_structure_set_species(s, i, "Si");
        for (int k = 0; k < 3; k++) s->pos[i][k] = 0.25 * a * i;
    }
    LS_CHECK_OK(ls_structure_write(vasp, LS_FORMAT_POSCAR, s));
    FILE *f = fopen(yaml, "w");
    if (f) {
        fputs("structure: si.vasp\n", f);
        fclose(f);
    }
    dft_params py, pp;
    dft_params_init(&py);
    LS_CHECK_OK(dft_params_read_yaml(yaml, &py));
    struct dft_protocol proto;
    dft_protocol_default(&proto);
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &pp));
    LS_CHECK(pp.n_species == 1 && py.n_species == 1 && strcmp(pp.species[0].label, "Si") == 0);
    LS_CHECK(strcmp(pp.species[0].pseudo, py.species[0].pseudo) == 0 && strstr(pp.species[0].pseudo, "pd04-pbe-sr/Si.upf"));
    LS_CHECK_NEAR(pp.ecut_wfc, 18.0, 1e-12); /* 36 Ry */
    LS_CHECK(pp.ecut_wfc == py.ecut_wfc && pp.ecut_rho == py.ecut_rho && pp.kspacing == py.kspacing);
    LS_CHECK_NEAR(pp.kspacing, 2 * M_PI * 0.022, 1e-15);
    LS_CHECK(pp.occupations == py.occupations && pp.n_spin == 1 && py.n_spin == 1 && pp.functional[0] == '\0');
    LS_CHECK(pp.conv_thr == py.conv_thr && pp.max_iter == py.max_iter && pp.mixing_beta == py.mixing_beta);
    LS_CHECK(pp.compute_forces && pp.compute_stress && pp.structure != s);
    dft_params_free(&pp);
    /* The protocol's own choices. */
    proto.cutoff_hint = DFT_HINT_HIGH;
    proto.smearing = "cold";
    proto.smearing_width_ha = 0.01;
    proto.functional = "PBEsol";
    proto.kmesh[0] = proto.kmesh[1] = proto.kmesh[2] = 5;
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &pp));
    LS_CHECK(pp.ecut_wfc > 18.0 && pp.occupations == DFT_OCC_SMEARING && strcmp(pp.smearing, "cold") == 0);
    LS_CHECK(pp.smearing_width == 0.01 && strcmp(pp.functional, "PBEsol") == 0 && pp.kspacing == 0 && pp.kmesh[2] == 5);
    dft_params_free(&pp);
    proto.ecut_ha = 12.5;
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &pp));
    LS_CHECK(pp.ecut_wfc == 12.5 && pp.ecut_rho == 50.0);
    dft_params_free(&pp);
    dft_params_free(&py);
    ls_structure_destroy(s);
}

static void test_moments(void)
{
    ls_structure *s = bcc_fe();
    if (!s) return;
    struct dft_protocol proto;
    dft_protocol_default(&proto);
    proto.spin_polarized = 1;
    proto.n_element_moments = 1;
    snprintf(proto.element_moments[0].element, sizeof proto.element_moments[0].element, "Fe");
    proto.element_moments[0].moment_mub = 2.6;
    dft_params p;
    double m[2];
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &p));
    LS_CHECK(p.n_spin == 2 && p.n_species == 1 && strcmp(p.species[0].label, "Fe") == 0);
    LS_CHECK_NEAR(p.species[0].starting_magnetization, 2.6 / 16.0, 1e-15);
    LS_CHECK_NEAR(p.ecut_wfc, 45.0, 1e-12); /* Fe: 90 Ry */
    LS_CHECK_OK(dft_params_starting_moments(&p, m));
    LS_CHECK_NEAR(m[0], 2.6, 1e-12);
    LS_CHECK_NEAR(m[1], 2.6, 1e-12);
    dft_params_free(&p);

    /* Antiferromagnetic: +3 and -3 muB on the two atoms: two species. */
    const double afm[2] = {3.0, -3.0};
    proto.atom_moments_mub = afm;
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &p));
    LS_CHECK(p.n_species == 2 && strcmp(p.species[0].label, "Fe1") == 0 && strcmp(p.species[1].label, "Fe2") == 0);
    LS_CHECK(strcmp(p.structure->species[0], "Fe1") == 0 && strcmp(p.structure->species[1], "Fe2") == 0);
    LS_CHECK(p.structure->z[0] == 26 && p.structure->z[1] == 26 && strcmp(s->species[0], "Fe") == 0);
    LS_CHECK(strcmp(p.species[0].pseudo, p.species[1].pseudo) == 0);
    LS_CHECK_NEAR(p.species[0].starting_magnetization, 3.0 / 16.0, 1e-15);
    LS_CHECK_NEAR(p.species[1].starting_magnetization, -3.0 / 16.0, 1e-15);
    LS_CHECK_OK(dft_params_starting_moments(&p, m));
    LS_CHECK_NEAR(m[0], 3.0, 1e-12);
    LS_CHECK_NEAR(m[1], -3.0, 1e-12);
    dft_params_free(&p);

    /* Labels that end in a digit, and equal moments that stay one species. */
    ls_structure_set_species(s, 0, "Fe7");
    ls_structure_set_species(s, 1, "Fe7");
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &p));
    LS_CHECK(p.n_species == 2 && strcmp(p.species[0].label, "Fe7_1") == 0 && strcmp(p.species[1].label, "Fe7_2") == 0);
    dft_params_free(&p);
    const double fm[2] = {2.0, 2.0};
    proto.atom_moments_mub = fm;
    LS_CHECK_OK(dft_params_from_structure(s, &proto, &p));
    LS_CHECK(p.n_species == 1 && strcmp(p.species[0].label, "Fe7") == 0);
    dft_params_free(&p);
    ls_structure_destroy(s);
}

static void test_errors(void)
{
    ls_structure *s = bcc_fe();
    if (!s) return;
    struct dft_protocol proto;
    dft_params p;
    const double big[2] = {20.0, -2.0};
    struct {
        const char *expect;
    } cases[] = {
        {"atom 1 (Fe): a starting moment of 20 muB exceeds the 16 valence electrons"},
        {"starting moments given without spin polarisation"},
        {"unknown smearing 'warm'"},
        {"starting moment for 'Xx', which is not an element symbol"},
        {"the cutoff must be positive"},
        {"the k-point mesh needs three divisions"},
        {"the smearing width must be between 0 and 1 Ha"},
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        dft_protocol_default(&proto);
        proto.spin_polarized = 1;
        if (i == 0) proto.atom_moments_mub = big;
        if (i == 1) {
            proto.spin_polarized = 0;
            proto.atom_moments_mub = big;
        }
        if (i == 2) {
            proto.smearing = "warm";
            proto.smearing_width_ha = 0.01;
        }
        if (i == 3) {
            proto.n_element_moments = 1;
            snprintf(proto.element_moments[0].element, sizeof proto.element_moments[0].element, "Xx");
        }
        if (i == 4) proto.ecut_ha = -3;
        if (i == 5) proto.kmesh[0] = 4;
        if (i == 6) {
            proto.smearing = "gaussian";
            proto.smearing_width_ha = 0;
        }
        LS_CHECK(dft_params_from_structure(s, &proto, &p) == LS_ERR_INPUT);
        LS_CHECK_MSG(strstr(ls_error_message(), cases[i].expect) && strstr(ls_error_message(), "structure Fe2"), "case %d: %s",
                     i, ls_error_message());
        LS_CHECK(p.structure == NULL);
    }
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    LS_RUN(test_defaults_equal_yaml);
    LS_RUN(test_moments);
    LS_RUN(test_errors);
    return ls_test_summary("test_protocol");
}
