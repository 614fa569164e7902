# A ReFrame configuration for running integrations/reframe/mpimark_checks.py on
# one machine with mpirun (system "local") or through Slurm with srun
# (system "slurm", for a cluster whose partition is named in
# $MPIMARK_RF_PARTITION, default "mpimark"). Sites have their own
# configuration: take the partition entries as an example.
import os

_root_ok = [["OMPI_ALLOW_RUN_AS_ROOT", "1"], ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"]]

site_configuration = {
    "systems": [
        {
            "name": "local",
            "descr": "this machine, mpirun",
            "hostnames": [".*"],
            "partitions": [{
                "name": "default",
                "scheduler": "local",
                "launcher": "mpirun",
                "environs": ["mpi"],
                "max_jobs": 1,
                "env_vars": _root_ok,
            }],
        },
        {
            "name": "slurm",
            "descr": "a Slurm cluster, srun",
            "hostnames": [".*"],
            "partitions": [{
                "name": "default",
                "scheduler": "squeue",  # no accounting needed (sacct)
                "launcher": "srun",
                "access": ["-p " + os.environ.get("MPIMARK_RF_PARTITION", "mpimark")],
                "environs": ["mpi"],
                "max_jobs": 1,
                "env_vars": _root_ok,
            }],
        },
    ],
    "environments": [{"name": "mpi", "cc": "mpicc"}],
}
