#!/usr/bin/env bash
# Installs the InVEST urban cooling model into VENV (default /opt/ictu-peers/invest), as the InVEST project documents it (natcap-invest from PyPI; RESULTS.md, "Peers").
set -euo pipefail
venv=${1:-/opt/ictu-peers/invest}
[ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import natcap.invest.urban_cooling_model" 2>/dev/null && exit 0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgdal-dev gdal-bin python3-venv python3-dev build-essential >/dev/null
/usr/bin/python3 -m venv "$venv"
. "$venv/bin/activate"
constraints=$(mktemp); printf 'numpy==1.24.2\ngdal==3.6.2\n' > "$constraints"
pip install -q -U pip setuptools wheel "numpy==1.24.2" "setuptools_scm>=8" "cython==3.0.12" babel
pip install -q --no-build-isolation "gdal==3.6.2"
pip install -q --no-build-isolation -c "$constraints" pygeoprocessing==2.4.11
pip install -q --no-build-isolation -c "$constraints" natcap-invest==3.20.2
python -c "import natcap.invest.urban_cooling_model; print('InVEST', natcap.invest.__version__)"
