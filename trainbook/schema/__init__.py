"""Sheet and column declarations, settings parameters, notice templates, buttons, export evidence
and the manager report's layout — each module declares one thing; import from it directly (this
package imports nothing, so a command that needs one declaration loads only that one)."""
