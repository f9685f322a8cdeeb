"""The notification preferences form: parses the page's input for ``set_preferences``."""

from django import forms

from qinqing.core.forms import Form
from qinqing.core.notifications.kinds import KINDS

TIME_ERRORS = {"invalid": "时间格式应为 22:00"}


class NotificationPreferencesForm(Form):
    push_kinds = forms.MultipleChoiceField(
        label="推送以下消息",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="未勾选的类别不再推送，但仍会出现在站内消息中。",
        error_messages={"invalid_choice": "未知的消息类别：%(value)s"},
    )
    quiet_hours_start = forms.TimeField(
        label="免打扰开始",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=TIME_ERRORS,
    )
    quiet_hours_end = forms.TimeField(
        label="免打扰结束",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=TIME_ERRORS,
        help_text="免打扰期间的推送顺延到结束时发出；可跨越午夜，如 22:00 至 07:00。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Modules register their kinds at start-up, after this module was imported.
        self.fields["push_kinds"].choices = sorted(KINDS.items())

    def opted_out_kinds(self) -> set[str]:
        return set(KINDS) - set(self.cleaned_data["push_kinds"])
