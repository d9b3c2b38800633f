#!/usr/bin/env bash
# Vendor the NL Design System "Utrecht" component CSS into static/vendor/utrecht/.
#
# Node/npm are only needed when running this script (a maintainer task);
# the Django site itself just serves the copied files.
#
# Usage: scripts/update-design-system.sh
# To upgrade: change UTRECHT_VERSION below, run the script, review the diff
# (visually check the site) and commit static/vendor/utrecht/.
set -euo pipefail

UTRECHT_PACKAGE="@utrecht/component-library-css"
UTRECHT_VERSION="9.0.4"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/static/vendor/utrecht"

if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is required to update the vendored design system" >&2
    exit 1
fi

workdir="$(mktemp -d)"
trap 'rm -rf "${workdir}"' EXIT

echo "Installing ${UTRECHT_PACKAGE}@${UTRECHT_VERSION} in ${workdir} ..."
(
    cd "${workdir}"
    # Isolated throwaway project: never touches the repository's own files.
    printf '{"name":"sgo-design-system-vendor","private":true}\n' > package.json
    npm install --no-audit --no-fund --ignore-scripts --no-package-lock \
        --loglevel=error "${UTRECHT_PACKAGE}@${UTRECHT_VERSION}"
)

pkg_dir="${workdir}/node_modules/${UTRECHT_PACKAGE}"
installed_version="$(node -p "require('${pkg_dir}/package.json').version")"
if [[ "${installed_version}" != "${UTRECHT_VERSION}" ]]; then
    echo "error: expected version ${UTRECHT_VERSION}, got ${installed_version}" >&2
    exit 1
fi

css_src="${pkg_dir}/dist/index.css"
if [[ ! -s "${css_src}" ]]; then
    echo "error: ${css_src} not found; the package layout has changed, inspect it" >&2
    exit 1
fi

license_src=""
for candidate in LICENSE.md LICENSE LICENSE.txt; do
    if [[ -f "${pkg_dir}/${candidate}" ]]; then
        license_src="${pkg_dir}/${candidate}"
        break
    fi
done
if [[ -z "${license_src}" ]]; then
    echo "error: no LICENSE file found in ${pkg_dir}" >&2
    exit 1
fi

mkdir -p "${dest}"
# Remove files from a previous version so renamed files do not linger.
rm -f "${dest}/index.css" "${dest}/LICENSE" "${dest}/LICENSE.md" "${dest}/LICENSE.txt" "${dest}/VERSION"

cp "${css_src}" "${dest}/index.css"
cp "${license_src}" "${dest}/$(basename "${license_src}")"

license_id="$(node -p "require('${pkg_dir}/package.json').license")"
{
    echo "package: ${UTRECHT_PACKAGE}"
    echo "version: ${installed_version}"
    echo "license: ${license_id}"
    echo "file: dist/index.css -> index.css"
    echo "sha256: $(sha256sum "${dest}/index.css" | cut -d' ' -f1)"
    echo "vendored: $(date -u +%Y-%m-%d)"
} > "${dest}/VERSION"

echo "Vendored ${UTRECHT_PACKAGE}@${installed_version} into ${dest#"${repo_root}"/}:"
ls -l "${dest}"
