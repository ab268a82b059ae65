"""The legal texts the registry cites, one table per concern, each line with its source.

Letters, the "Vous êtes concerné ?" box and the AI Act pages take their articles, time
limits and dates from these tables only; nothing legal is typed anywhere else.
"""
