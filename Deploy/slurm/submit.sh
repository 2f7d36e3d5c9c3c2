#!/bin/bash
# Queues the partitions as a job array, then the mosaic to start only when every task has succeeded.
# Usage (from the folder holding city.yaml, on the shared file system): bash submit.sh [sbatch options for both]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable "$@" "$here/partitions.sbatch")
sbatch --dependency="afterok:${array%%;*}" "$@" "$here/mosaic.sbatch"
