# setup.cfg holds the package's description; this file lets pip install it in place
# (`pip install -e python`) with the setuptools Debian ships, without build isolation.
from setuptools import setup

setup()
