"""One module of exercise checks per notebook: ``from helpers.exercises import nb00``."""
