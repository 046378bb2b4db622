"""Pictures made from the catalog (the timeline), as PNG or SVG.

The plotting library (matplotlib) is imported only inside the drawing function, the first time
a picture is asked for: the bot's start-up time and idle memory do not pay for it.
"""
