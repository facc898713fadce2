"""The union's own settings: names, place, document symbols, signature texts, motto."""
