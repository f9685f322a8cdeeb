"""``manage.py talent_daily``: expire postings past their validity, then send the day's pushes.

Run it every 15 minutes with the case reminders: expiry is idempotent, and each
seeker gets at most one push a day, outside their quiet hours (a run in quiet
hours leaves the seeker for a later run).
"""

from django.core.management.base import BaseCommand

from qinqing.talent import services


class Command(BaseCommand):
    help = "招聘岗位到期下架，并按推送设置发送当天的岗位推送"

    def handle(self, *args, **options):
        expired = services.expire_postings()
        pushed = services.do_push_recommendations()
        self.stdout.write(f"到期下架 {expired} 个岗位；推送 {pushed} 位求职者")
