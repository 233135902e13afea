import sys

from rmtheory.cli import main

sys.exit(main())
